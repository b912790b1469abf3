package io.flowbus.config;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Flags, environment and the settings file read into one {@link NodeOptions}: a flag wins over its
 * variable, the variable over the file's key, the file over the default. The arguments are parsed
 * twice: once to learn {@code --settings}, once more with the file read.
 */
public final class NodeCommandLine {
  private final CommandLine cli;
  private final OptionDefaults defaults;

  private NodeCommandLine(CommandLine cli, OptionDefaults defaults) {
    this.cli = cli;
    this.defaults = defaults;
  }

  /**
   * Parses {@code args} against {@code environment}. Throws {@link ParameterException} for a bad
   * flag or variable, {@link IllegalArgumentException} naming the file and key for a bad settings
   * file.
   */
  public static NodeCommandLine parse(String[] args, Map<String, String> environment) {
    NodeCommandLine first = parse(args, new OptionDefaults(environment, SettingsFile.NONE));
    String settings = first.options().settings;
    if (settings == null
        || settings.isBlank()
        || first.cli.isUsageHelpRequested()
        || first.cli.isVersionHelpRequested()) {
      return first;
    }
    SettingsFile file =
        SettingsFile.read(Path.of(settings), OptionDefaults.keys(first.cli.getCommandSpec()));
    OptionDefaults defaults = new OptionDefaults(environment, file);
    try {
      return parse(args, defaults);
    } catch (ParameterException e) {
      String key =
          e.getArgSpec() instanceof OptionSpec option ? defaults.keyFromFile(option) : null;
      if (key == null) {
        throw e;
      }
      throw new IllegalArgumentException(file.describe(key) + ": " + e.getMessage(), e);
    }
  }

  private static NodeCommandLine parse(String[] args, OptionDefaults defaults) {
    CommandLine cli = new CommandLine(new NodeOptions()).setDefaultValueProvider(defaults);
    cli.parseArgs(args);
    return new NodeCommandLine(cli, defaults);
  }

  public CommandLine cli() {
    return cli;
  }

  /** The settings, checked; a bad one throws {@link IllegalArgumentException} naming its source. */
  public NodeConfig toConfig() {
    try {
      return options().toConfig();
    } catch (IllegalArgumentException e) {
      String key = defaults.keyFromFile(String.valueOf(e.getMessage()));
      if (key == null) {
        throw e;
      }
      throw new IllegalArgumentException(
          e.getMessage() + " (" + defaults.file().describe(key) + ")", e);
    }
  }

  private NodeOptions options() {
    return cli.getCommand();
  }
}
