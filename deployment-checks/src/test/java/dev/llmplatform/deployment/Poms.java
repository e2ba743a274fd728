package dev.llmplatform.deployment;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;

/** Reads the few POM elements the image checks need. */
final class Poms {

    private Poms() {
    }

    /** Direct child elements with this name. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    /** The element at a path of direct children, or null. */
    static Element at(Element parent, String... path) {
        Element current = parent;
        for (String step : path) {
            List<Element> next = current == null ? List.of() : children(current, step);
            current = next.isEmpty() ? null : next.getFirst();
        }
        return current;
    }

    static String text(Element parent, String... path) {
        Element element = at(parent, path);
        return element == null ? null : element.getTextContent().trim();
    }

    /** The jib-maven-plugin element under a plugins element, or null. */
    static Element jibPlugin(Element plugins) {
        if (plugins == null) {
            return null;
        }
        return children(plugins, "plugin").stream()
                .filter(p -> "jib-maven-plugin".equals(text(p, "artifactId")))
                .findFirst().orElse(null);
    }
}
