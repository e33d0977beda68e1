package io.blip.domains;

import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MysqlValuesTest {

    @Test
    void numbersAreRead() {
        assertEquals(OptionalDouble.of(151), MysqlValues.parse("151"));
        assertEquals(OptionalDouble.of(-2.5), MysqlValues.parse("-2.5"));
        assertEquals(OptionalDouble.of(1e20), MysqlValues.parse("1e20"));
        assertEquals(OptionalDouble.of(18446744073709551615.0), MysqlValues.parse("18446744073709551615"));
        assertEquals(OptionalDouble.of(999_999_999_999_999L), MysqlValues.parse("999999999999999"));
        assertEquals(OptionalDouble.of(0.5), MysqlValues.parse(".5"));
        assertEquals(OptionalDouble.of(5), MysqlValues.parse("5."));
        assertEquals(OptionalDouble.of(12), MysqlValues.parse("+12"));
        assertEquals(OptionalDouble.of(2.5e-3), MysqlValues.parse("2.5E-3"));
    }

    @Test
    void switchesAreOneOrZeroAsInBlip() {
        assertEquals(OptionalDouble.of(1), MysqlValues.parse("ON"));
        assertEquals(OptionalDouble.of(1), MysqlValues.parse("YES"));
        assertEquals(OptionalDouble.of(1), MysqlValues.parse("Yes"));
        assertEquals(OptionalDouble.of(0), MysqlValues.parse("OFF"));
        assertEquals(OptionalDouble.of(0), MysqlValues.parse("NO"));
        assertEquals(OptionalDouble.of(0), MysqlValues.parse("No"));
        assertEquals(OptionalDouble.of(0), MysqlValues.parse("DISABLED"));
        assertEquals(OptionalDouble.of(0), MysqlValues.parse("Connecting"));
    }

    @Test
    void datesAreUnixSeconds() {
        assertEquals(OptionalDouble.of(1_941_537_600), MysqlValues.parse("Jul 11 12:00:00 2031 GMT"));
        assertEquals(OptionalDouble.of(1_932_811_200), MysqlValues.parse("Apr  1 12:00:00 2031 GMT"));
        assertEquals(OptionalDouble.of(1_136_214_245), MysqlValues.parse("2006-01-02 15:04:05"));
    }

    @Test
    void anythingElseIsNotANumber() {
        assertEquals(OptionalDouble.empty(), MysqlValues.parse(null));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse(""));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("NaN"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("Infinity"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("1d"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("on"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("/var/lib/mysql/"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("12:00"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("."));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("-"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("1e"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("ibdata1:12M:autoextend"));
        assertEquals(OptionalDouble.empty(), MysqlValues.parse("Jan 99 99:99:99 9999 GMT"));
    }
}
