package dev.llmplatform.deployment;

import java.math.BigDecimal;
import java.util.Map;

/** Kubernetes resource quantities ("500m", "2", "768Mi", "8Gi") as plain numbers, to compare them. */
final class Quantities {

    private static final Map<String, Double> SUFFIXES = Map.of(
            "m", 1e-3, "k", 1e3, "M", 1e6, "G", 1e9, "T", 1e12,
            "Ki", 1024.0, "Mi", 1024.0 * 1024, "Gi", 1024.0 * 1024 * 1024, "Ti", 1024.0 * 1024 * 1024 * 1024);

    private Quantities() {
    }

    static double parse(String quantity) {
        String number = quantity.replaceAll("[a-zA-Z]+$", "");
        String suffix = quantity.substring(number.length());
        Double factor = suffix.isEmpty() ? Double.valueOf(1.0) : SUFFIXES.get(suffix);
        if (factor == null || number.isEmpty()) {
            throw new IllegalArgumentException("not a Kubernetes quantity: " + quantity);
        }
        return new BigDecimal(number).doubleValue() * factor;
    }
}
