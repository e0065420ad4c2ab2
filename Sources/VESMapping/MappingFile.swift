/// A Barometer ves_app YAML mapping file, compiled: how collectd values become VES events.
public enum MappingFile {}
