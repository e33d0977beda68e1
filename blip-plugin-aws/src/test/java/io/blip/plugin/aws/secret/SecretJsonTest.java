package io.blip.plugin.aws.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The strict JSON parser for secret values: what RFC 8259 allows, and positions for what it does not. */
class SecretJsonTest {

    @Test
    void parsesEveryKindOfValue() throws Exception {
        Object v = SecretJson.parse(" {\"s\": \"a\\u0041\\n\", \"n\": [0, -1.5e+3, 2E-2, 10], \"b\": [true, false],"
                + " \"z\": null, \"o\": {\"e\": {}, \"a\": []}}\r\n");
        assertEquals(Map.of(
                "s", "aA\n",
                "n", List.of(new SecretJson.Num("0"), new SecretJson.Num("-1.5e+3"), new SecretJson.Num("2E-2"),
                        new SecretJson.Num("10")),
                "b", List.of(true, false),
                "z", SecretJson.NULL,
                "o", Map.of("e", Map.of(), "a", List.of())), v);
        assertSame(SecretJson.NULL, SecretJson.parse("null"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "01|at character 2: more content after the JSON value",
            "-|at character 2: a number without digits",
            "1.|at character 3: a number without digits after '.'",
            "1e|at character 3: a number without digits in its exponent",
            "[1,]|at character 4: expected a value",
            "[1 2]|at character 4: expected ',' or ']'",
            "{\"a\" 1}|at character 6: expected ':'",
            "\"\\x\"|at character 2: an unknown escape in a string",
            "\"\\u12\"|at character 2: a \\u escape with fewer than four hex digits",
            "tru|at character 1: expected a value",
            "{}{}|at character 3: more content after the JSON value"})
    void rejectsWhatIsNotJsonWithAPosition(String text, String message) {
        assertEquals(message, assertThrows(SecretJson.Invalid.class, () -> SecretJson.parse(text)).getMessage());
    }

    @Test
    void rejectsControlCharactersAndDeepNesting() {
        assertEquals("at character 3: a control character inside a string (write it as an escape like \\n)",
                assertThrows(SecretJson.Invalid.class, () -> SecretJson.parse("\"a\nb\"")).getMessage());
        assertEquals("at character 66: nested deeper than 64 levels",
                assertThrows(SecretJson.Invalid.class, () -> SecretJson.parse("[".repeat(100))).getMessage());
    }
}
