package io.blip.api.sink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonStringTest {
    @Test
    void quotesAndEscapesWhatJsonRequires() {
        assertEquals("\"status.global.threads_running\"", JsonString.append(new StringBuilder(),
                "status.global.threads_running").toString());
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u001fé<\"", JsonString.append(new StringBuilder(),
                "a\"b\\c\nd\re\tf\u0001\u001fé<").toString());
    }
}
