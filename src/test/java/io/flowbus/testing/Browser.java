package io.flowbus.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by Selenium, for the web UI's tests. It uses the Chromium and
 * chromedriver installed on the machine (Debian packages {@code chromium} and {@code
 * chromium-driver}; elsewhere name them with {@code -Dflowbus.chromium=} and {@code
 * -Dflowbus.chromedriver=}) and never downloads one: where they are missing, the test is skipped.
 * Every wait is for a condition, with a bound generous enough for a slow, busy machine.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("flowbus.chromium", "/usr/bin/chromium"));
  static final Path DRIVER =
      Path.of(System.getProperty("flowbus.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Whether Chromium and its driver are there. */
  public static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
  }

  /** A new browser with a fresh session; skips the test where Chromium is not installed. */
  public static Browser headless() {
    Assumptions.assumeTrue(
        installed(), "no Chromium at " + CHROMIUM + " with its driver at " + DRIVER);
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toString())
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1100");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    return new Browser(driver);
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** The first visible element {@code css} selects, once there is one. */
  public WebElement await(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /**
   * The text of the first visible element {@code css} selects, once there is one; read again if a
   * live update replaced the element meanwhile.
   */
  public String textOf(String css) {
    return waiting()
        .withMessage("visible: " + css)
        .until(
            d -> {
              WebElement element =
                  ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)).apply(d);
              return element == null ? null : element.getText();
            });
  }

  /** Waits until the element {@code css} selects shows {@code text} (in part). */
  public void awaitText(String css, String text) {
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Waits until the page's address ends with its hash route matching {@code regex}. */
  public String awaitRoute(String regex) {
    waiting().until(d -> d.getCurrentUrl().matches(".*#" + regex));
    return driver.getCurrentUrl();
  }

  /**
   * A wait that polls every 200 ms. An element that the page replaced while it was read (a live
   * update redrew it) is looked up again at the next poll instead of failing the test.
   */
  public WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.pollingEvery(Duration.ofMillis(200));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /**
   * Clicks the element {@code css} selects once it is clickable; if a live update replaces it
   * between the lookup and the click, the new one is clicked.
   */
  public void click(String css) {
    waiting()
        .withMessage("clickable: " + css)
        .until(
            d -> {
              WebElement element =
                  ExpectedConditions.elementToBeClickable(By.cssSelector(css)).apply(d);
              if (element == null) {
                return false;
              }
              element.click();
              return true;
            });
  }

  public void type(String css, String text) {
    WebElement field = await(css);
    field.clear();
    field.sendKeys(text);
  }

  /** The text the element {@code css} selects shows now, or "(none)" if there is none. */
  public String text(String css) {
    List<WebElement> found = all(css);
    return found.isEmpty() ? "(none)" : found.get(0).getText();
  }

  /** Picks the option with {@code value} in the select {@code css}. */
  public void select(String css, String value) {
    new Select(await(css)).selectByValue(value);
  }

  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Saves what the window shows as a PNG to {@code file}. */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      return Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
