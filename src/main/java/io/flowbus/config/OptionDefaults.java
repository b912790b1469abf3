package io.flowbus.config;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * What an option is when no flag gives it: its environment variable, else its key in the settings
 * file, else (null here) the default written on the option. Works for every option whose default
 * names a variable ({@code ${env:FLOWBUS_PORT:-8080}}), with no code per option.
 */
final class OptionDefaults implements IDefaultValueProvider {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");
  private static final String SETTINGS = "settings";

  private final Map<String, String> environment;
  private final SettingsFile file;
  private final Set<String> takenFromFile = ConcurrentHashMap.newKeySet();

  OptionDefaults(Map<String, String> environment, SettingsFile file) {
    this.environment = Map.copyOf(environment);
    this.file = file;
  }

  /** The keys a settings file may hold: every option with a variable, except the file itself. */
  static Set<String> keys(CommandSpec command) {
    return command.options().stream()
        .filter(o -> variable(o) != null)
        .map(OptionDefaults::key)
        .filter(k -> !k.equals(SETTINGS))
        .collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    String name = variable(option);
    if (name == null) {
      return null;
    }
    String value = environment.get(name);
    if (value == null && !key(option).equals(SETTINGS)) {
      value = file.values().get(key(option));
      if (value != null) {
        takenFromFile.add(key(option));
      }
    }
    // Values are taken as written: no ${...} expansion.
    return value == null ? null : value.replace("${", "$${");
  }

  /**
   * The settings-file key that gave {@code option} its value, or null if it came from elsewhere.
   */
  String keyFromFile(OptionSpec option) {
    String key = key(option);
    return takenFromFile.contains(key) ? key : null;
  }

  /** The settings-file key whose value the message of a bad option names, or null. */
  String keyFromFile(String message) {
    for (String key : takenFromFile) {
      if (Pattern.compile("(?<![\\w-])--" + Pattern.quote(key) + "(?![\\w-])")
          .matcher(message)
          .find()) {
        return key;
      }
    }
    return null;
  }

  SettingsFile file() {
    return file;
  }

  private static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^--", "");
  }

  /** The variable named in the option's default as written, before picocli expands it. */
  private static String variable(OptionSpec option) {
    if (!(option.userObject() instanceof Field field)) {
      return null;
    }
    Option annotation = field.getAnnotation(Option.class);
    Matcher m = VARIABLE.matcher(annotation == null ? "" : annotation.defaultValue());
    return m.find() ? m.group(1) : null;
  }
}
