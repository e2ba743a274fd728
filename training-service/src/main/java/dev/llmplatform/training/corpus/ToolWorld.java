package dev.llmplatform.training.corpus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small world of three function tools, for teaching a model when and how to call one: {@code get_weather(city)},
 * {@code calculate(expression)} and {@code book_table(restaurant, people, time)}. Each {@link Exchange} is one user
 * question, the call that answers it, the tool's result and the reply that reads the result; a greeting is answered
 * in text. The reply takes its facts from the result (the sky and temperature, the sum, the table number or a
 * refusal), so a model can only write it by reading the tool response, not by guessing.
 */
public final class ToolWorld {

    public static final String WEATHER = "get_weather";
    public static final String CALCULATOR = "calculate";
    public static final String BOOKING = "book_table";
    public static final List<String> TOOLS = List.of(WEATHER, CALCULATOR, BOOKING);

    static final List<String> CITIES = List.of("Paris", "London", "Rome", "Berlin", "Madrid", "Oslo", "Tokyo",
            "Cairo", "Lima", "Sydney");
    static final List<String> SKIES = List.of("sunny", "cloudy", "rainy", "windy", "snowy");
    static final List<String> RESTAURANTS = List.of("Bella Roma", "Golden Dragon", "Blue Fish", "Green Leaf",
            "Sunset Grill", "Little Paris");
    static final List<String> TIMES = List.of("18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00");

    private static final List<String> WEATHER_QUESTIONS = List.of(
            "What is the weather in %s?", "How is the weather in %s today?", "Is it sunny in %s?",
            "What is it like outside in %s?", "Tell me the weather in %s.");
    private static final List<String> SUM_QUESTIONS = List.of(
            "What is %d %s %d?", "How much is %d %s %d?", "Can you work out %d %s %d?", "Calculate %d %s %d.");
    private static final List<String> BOOKING_QUESTIONS = List.of(
            "Book a table for %2$d at %1$s at %3$s.", "Can you reserve a table at %1$s for %2$d people at %3$s?",
            "I need a table for %2$d at %1$s at %3$s.", "Please book %1$s for %2$d at %3$s.");
    private static final List<String> GREETINGS = List.of("Hello!", "Hi!", "Hello, who are you?", "Thanks!",
            "Good morning!");
    private static final String GREETING_REPLY = "Hello! I can check the weather, do sums and book tables.";

    /** One operation of the calculator: its word in questions and replies, its symbol in the expression. */
    private record Operation(String word, String symbol) {
        long apply(int a, int b) {
            return switch (symbol) {
                case "+" -> (long) a + b;
                case "-" -> (long) a - b;
                default -> (long) a * b;
            };
        }
    }

    private static final List<Operation> OPERATIONS = List.of(
            new Operation("plus", "+"), new Operation("minus", "-"), new Operation("times", "*"));

    /**
     * One turn of the world.
     *
     * @param question  what the user asks
     * @param tool      the tool that answers it, or null when the answer is plain text
     * @param arguments the call's arguments as compact JSON, in the order of the tool's parameters (null without a tool)
     * @param result    the tool's result as compact JSON (null without a tool)
     * @param reply     the assistant's text answer, from the result when there is one
     */
    public record Exchange(String question, String tool, String arguments, String result, String reply) {
    }

    private ToolWorld() {
    }

    /**
     * A random exchange: a tool question of one of the three kinds or, one time in eight, a greeting. Bookings come
     * most often: their three arguments, in any order in the question, are the hardest to copy.
     */
    public static Exchange exchange(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> new Exchange(pick(random, GREETINGS), null, null, null, GREETING_REPLY);
            case 1, 2 -> weather(random);
            case 3, 4 -> sum(random);
            default -> booking(random);
        };
    }

    static Exchange weather(SplittableRandom random) {
        String city = pick(random, CITIES);
        String sky = pick(random, SKIES);
        int temperature = random.nextInt(-5, 36);
        return new Exchange(pick(random, WEATHER_QUESTIONS).formatted(city), WEATHER,
                "{\"city\":\"" + city + "\"}",
                "{\"city\":\"" + city + "\",\"sky\":\"" + sky + "\",\"temperature\":" + temperature + "}",
                "It is " + sky + " and " + temperature + " degrees in " + city + ".");
    }

    static Exchange sum(SplittableRandom random) {
        int a = random.nextInt(2, 100);
        int b = random.nextInt(2, 100);
        Operation op = pick(random, OPERATIONS);
        long value = op.apply(a, b);
        return new Exchange(pick(random, SUM_QUESTIONS).formatted(a, op.word(), b), CALCULATOR,
                "{\"expression\":\"" + a + op.symbol() + b + "\"}",
                "{\"result\":" + value + "}",
                a + " " + op.word() + " " + b + " is " + value + ".");
    }

    static Exchange booking(SplittableRandom random) {
        String restaurant = pick(random, RESTAURANTS);
        int people = random.nextInt(1, 9);
        String time = pick(random, TIMES);
        boolean free = random.nextInt(4) != 0;
        int table = random.nextInt(1, 30);
        String arguments = "{\"restaurant\":\"" + restaurant + "\",\"people\":" + people + ",\"time\":\"" + time + "\"}";
        return new Exchange(pick(random, BOOKING_QUESTIONS).formatted(restaurant, people, time), BOOKING, arguments,
                free ? "{\"booked\":true,\"table\":" + table + "}" : "{\"booked\":false}",
                free ? "Your table for " + people + " at " + restaurant + " at " + time + " is booked. It is table "
                        + table + "."
                        : "Sorry, " + restaurant + " has no table for " + people + " at " + time + ".");
    }

    /**
     * The tools a conversation offers: the ones its exchanges need, plus each other tool with even odds, in a
     * random order, so the model learns to call what the question asks for, not what happens to be listed first.
     */
    static List<String> offered(SplittableRandom random, List<Exchange> exchanges) {
        List<String> offered = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean needed = exchanges.stream().anyMatch(e -> tool.equals(e.tool()));
            if (needed || random.nextBoolean()) {
                offered.add(tool);
            }
        }
        if (offered.isEmpty()) {
            offered.add(pick(random, TOOLS));
        }
        for (int i = offered.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            offered.set(i, offered.set(j, offered.get(i)));
        }
        return offered;
    }

    /** The JSON schema of a tool's parameters, as a client would send it. */
    public static Map<String, Object> parameters(String tool) {
        Map<String, Object> string = Map.of("type", "string");
        return switch (tool) {
            case WEATHER -> schema(List.of("city"), Map.of("city", string));
            case CALCULATOR -> schema(List.of("expression"), Map.of("expression", string));
            case BOOKING -> schema(List.of("restaurant", "people", "time"), Map.of("restaurant", string,
                    "people", Map.of("type", "integer", "minimum", 1, "maximum", 20), "time", string));
            default -> throw new IllegalArgumentException("no tool " + tool);
        };
    }

    private static Map<String, Object> schema(List<String> order, Map<String, Object> properties) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        order.forEach(name -> ordered.put(name, properties.get(name)));
        return Map.of("type", "object", "properties", ordered, "required", order, "additionalProperties", false);
    }

    private static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
