# Parses Prometheus text exposition format with the official Python client's parser
# (prometheus_client.parser.text_string_to_metric_families) for io.blip.testkit.PromText.
#
# In:  the text, UTF-8, on stdin.
# Out: on success, exit 0 and one JSON document on stdout (ASCII only; numbers as Python's
#      repr of the float, NaN, Infinity and -Infinity included):
#        [{"name": ..., "type": ..., "help": ..., "samples": [{"name": ..., "labels": {...}, "value": ...}]}]
#      when the parser rejects the text, exit 3 and "<exception class>: <message>" on stderr.
#
# The parser turns counters into their OpenMetrics form: a counter family loses "_total" from its
# name when its TYPE line has it, and its samples gain "_total" when the TYPE line has not. This
# script undoes both, so that family and sample names are as written, by reading the TYPE lines the
# same way the parser does. Its "unknown" type (what it makes of "untyped" and of samples without
# a TYPE line) is reported as "untyped", the text format's word.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

TOTAL = "_total"


def counter_type_names(text):
    """The names of the counter TYPE lines, in order, split as the parser splits them."""
    names = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) == 4 and parts[1] == "TYPE" and parts[3] == "counter":
                names.append(parts[2])
    return names


def written_counter_name(family, counter_names, start):
    """The TYPE line's name of a counter family, and where the next search starts."""
    for i in range(start, len(counter_names)):
        if counter_names[i] in (family.name, family.name + TOTAL):
            return counter_names[i], i + 1
    raise ValueError("no counter TYPE line for family %r" % family.name)


def family_json(family, written):
    renamed = family.type == "counter" and not written.endswith(TOTAL)
    samples = []
    for s in family.samples:
        name = s.name[:-len(TOTAL)] if renamed and s.name.endswith(TOTAL) else s.name
        samples.append({"name": name, "labels": s.labels, "value": s.value})
    return {
        "name": written,
        "type": "untyped" if family.type == "unknown" else family.type,
        "help": family.documentation,
        "samples": samples,
    }


def main():
    text = sys.stdin.buffer.read().decode("utf-8")
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError, and whatever its lax splitting trips on
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        return 3
    counter_names = counter_type_names(text)
    next_counter = 0
    out = []
    for family in families:
        written = family.name
        if family.type == "counter":
            written, next_counter = written_counter_name(family, counter_names, next_counter)
        out.append(family_json(family, written))
    sys.stdout.write(json.dumps(out, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
