package io.blip.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A small schema to make a server's tables worth reporting: four tables, two engines, a secondary
 * index; one table's name has a double quote and a backslash, which the exporter escapes in label
 * values. {@code ./dev record-exporter-fixtures} creates it on the servers the exporter scrapes, and
 * the tests that compare Blip's scrape with those recordings create it on theirs.
 */
public final class ShopSchema {
    /** The table whose name needs escaping in a label value. */
    public static final String ODD_TABLE = "say \"hi\" \\ now";

    private ShopSchema() {
    }

    /** The statements that create database {@code shop} and fill it. */
    public static List<String> statements() {
        List<String> sql = new ArrayList<>(List.of("CREATE DATABASE shop",
                "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                        + " email VARCHAR(128) NOT NULL, UNIQUE KEY email (email)) ENGINE=InnoDB",
                "CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,"
                        + " total DECIMAL(10,2) NOT NULL, placed DATETIME NOT NULL, KEY customer (customer_id))"
                        + " ENGINE=InnoDB",
                "CREATE TABLE shop.audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(200) NOT NULL)"
                        + " ENGINE=MyISAM",
                "CREATE TABLE shop.`" + ODD_TABLE + "` (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO shop.`" + ODD_TABLE + "` VALUES (1), (2)"));
        List<String> customers = new ArrayList<>();
        List<String> orders = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            customers.add("(" + i + ", 'customer " + i + "', 'c" + i + "@example.com')");
        }
        for (int i = 1; i <= 100; i++) {
            orders.add("(" + (i % 20 + 1) + ", " + (i * 7 % 300) + ".50, '2024-01-01' + INTERVAL " + i + " HOUR)");
        }
        sql.add("INSERT INTO shop.customers VALUES " + String.join(", ", customers));
        sql.add("INSERT INTO shop.orders (customer_id, total, placed) VALUES " + String.join(", ", orders));
        sql.add("INSERT INTO shop.audit (note) VALUES ('created'), ('imported'), ('checked')");
        return sql;
    }
}
