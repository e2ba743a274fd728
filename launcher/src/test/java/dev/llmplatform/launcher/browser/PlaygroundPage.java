package dev.llmplatform.launcher.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** The few moves the browser tests make on the playground, by CSS selector, each waiting as a user would. */
final class PlaygroundPage {

    /** Generous for 2 shared cores: a tiny training job, its export and publication included. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(200);

    private final HeadlessChromium chromium;
    private final WebDriver driver;
    private final String baseUrl;
    private final AtomicInteger loads = new AtomicInteger();

    PlaygroundPage(HeadlessChromium chromium, String baseUrl) {
        this.chromium = chromium;
        this.driver = chromium.driver();
        this.baseUrl = baseUrl;
    }

    /** A fresh page load (a new query string) showing one view, so no scenario sees another's state. */
    void open(String view) {
        driver.get(baseUrl + "/?load=" + loads.incrementAndGet() + "#/" + view);
        await("the " + view + " view", () -> first("#view-" + view).isDisplayed());
    }

    /** Picks an option once the page has listed it (model lists arrive from the API after load). */
    void choose(String css, String value) {
        await("option " + value + " in " + css, () -> !first(css).findElements(By.cssSelector(
                "option[value='" + value + "']")).isEmpty());
        new Select(first(css)).selectByValue(value);
    }

    void type(String css, CharSequence text) {
        WebElement element = first(css);
        element.clear();
        element.sendKeys(text);
    }

    WebElement first(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Visible text, empty for a hidden element; read in one step, as the page redraws while it streams. */
    String text(String css) {
        return (String) ((JavascriptExecutor) driver).executeScript("""
                const element = document.querySelector(arguments[0]);
                return element.checkVisibility() ? (element.innerText ?? element.textContent).trim() : '';""", css);
    }

    String value(String css) {
        return (String) ((JavascriptExecutor) driver).executeScript("return document.querySelector(arguments[0]).value", css);
    }

    /** An attribute read in one step, for elements the page redraws (a found element may be stale when read). */
    String attribute(String css, String name) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector(arguments[0])?.getAttribute(arguments[1]) ?? null", css, name);
    }

    void await(String what, BooleanSupplier condition) {
        new WebDriverWait(driver, TIMEOUT, POLL)
                .withMessage(() -> "waiting for " + what + "; the page says: " + notices()
                        + "; browser console:\n" + chromium.console())
                .until(d -> condition.getAsBoolean());
    }

    /** The messages the page shows the user (errors, notices), for failure reports. */
    private Object notices() {
        return ((JavascriptExecutor) driver).executeScript("return [...document.querySelectorAll('[role=alert], [role=status]')]"
                + ".filter((e) => e.checkVisibility()).map((e) => e.innerText)");
    }

    void screenshot(String name) {
        chromium.screenshot(name);
    }
}
