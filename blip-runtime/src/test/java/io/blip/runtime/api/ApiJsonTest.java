package io.blip.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The API's JSON writer: what Go's encoding/json writes for the same values. */
class ApiJsonTest {
    @Test
    void stringsAreEscapedAsGoEscapesThem() {
        assertEquals("\"q\\\" b\\\\ n\\n r\\r t\\t nul\\u0000 esc\\u001b\"\n",
                Json.write("q\" b\\ n\n r\r t\t nul\u0000 esc\u001b"));
        assertEquals("\"\\u003cscript\\u003e \\u0026 \\u2028\\u2029 é ✓ 😀\"\n",
                Json.write("<script> & \u2028\u2029 é ✓ 😀"));
    }

    @Test
    void valuesKeepTheirTypesAndMapsTheirOrder() {
        var struct = new LinkedHashMap<String, Object>();
        struct.put("b", 1);
        struct.put("a", List.of(true, 2L, 1.5, "x"));
        struct.put("n", null);
        struct.put("o", Optional.empty());
        struct.put("nan", Double.NaN);
        struct.put("sorted", new TreeMap<>(Map.of("z", 1, "y", 2)));
        struct.put("set", Arrays.asList("only"));
        assertEquals("{\"b\":1,\"a\":[true,2,1.5,\"x\"],\"n\":null,\"o\":null,\"nan\":\"NaN\","
                + "\"sorted\":{\"y\":2,\"z\":1},\"set\":[\"only\"]}\n", Json.write(struct));
        assertEquals("{}\n", Json.write(Map.of()));
        assertEquals("[]\n", Json.write(List.of()));
    }
}
