package io.blip.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
    /** A driver upgrade that renames its classes makes the list stale: make it again (see its header). */
    @Test
    void theDriversClassesOfTheListExist() throws Exception {
        List<String> driver = AotTraining.classesOfARealStart().stream().filter(n -> n.startsWith("com.mysql.")).toList();
        assertTrue(driver.size() > 100, "the driver's classes of a real start: " + driver.size());
        List<String> missing = driver.stream().filter(n -> !exists(n)).toList();
        assertEquals(List.of(), missing, "classes of aot-classes.txt the driver no longer has");
    }

    @Test
    void loadsTheListedClasses() throws Exception {
        int listed = AotTraining.classesOfARealStart().size();
        int loaded = AotTraining.loadClassesOfARealStart();
        assertTrue(loaded >= listed * 9 / 10, loaded + " of " + listed + " loaded");
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, AotTraining.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
