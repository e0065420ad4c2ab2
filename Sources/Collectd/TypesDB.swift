/// collectd's types.db: the data sources (name, type, range) of each value list type.
///
/// The decoder does not need it (datagrams carry their value types), but collectd JSON names the data sources
/// (`dsnames`) and PUTVAL text does not say which values are gauges, so both look types up here.
public struct TypesDB: Sendable {
    /// One data source of a type, as a types.db line declares it (`name:TYPE:min:max`; `U` is no bound).
    public struct DataSource: Sendable, Hashable {
        public var name: String
        public var type: DataSourceType
        public var min: Double?
        public var max: Double?

        public init(name: String, type: DataSourceType, min: Double?, max: Double?) {
            self.name = name
            self.type = type
            self.min = min
            self.max = max
        }
    }

    private var sources: [String: [DataSource]]

    /// The path collectd's Debian package installs types.db at.
    public static let systemPath = "/usr/share/collectd/types.db"

    /// A database holding exactly the given types.
    public init(types: [String: [DataSource]]) {
        sources = types
    }

    /// Parses types.db text as collectd does: `type ds[, ds...]`, data sources separated by commas and/or
    /// whitespace, `#` comments and blank lines skipped, a later definition of a type replacing an earlier one.
    /// A line collectd would reject (a data source without four `:`-separated fields, an unknown type, a bound that
    /// is not a number) is an error naming the line, rather than silently missing later.
    public init(parsing text: String) throws(CollectdError) {
        var sources: [String: [DataSource]] = [:]
        for (number, line) in TextFile.lines(text) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            guard let name = fields.first, !name.hasPrefix("#") else { continue }
            guard fields.count >= 2 else {
                throw CollectdError(
                    code: .typesDbSyntax,
                    message: "line \(number): type '\(name)' has no data sources (expected 'name ds:TYPE:min:max, ...')"
                )
            }
            var dataSources: [DataSource] = []
            for field in fields.dropFirst() {
                dataSources.append(try Self.parseDataSource(field, line: number, typeName: name))
            }
            sources[String(name)] = dataSources
        }
        self.sources = sources
    }

    private static func parseDataSource(
        _ field: Substring,
        line: Int,
        typeName: Substring
    ) throws(CollectdError) -> DataSource {
        let parts = field.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, !parts[0].isEmpty else {
            throw CollectdError(
                code: .typesDbSyntax,
                message: "line \(line): data source '\(field)' of type '\(typeName)' is not 'name:TYPE:min:max'"
            )
        }
        guard let type = DataSourceType(name: String(parts[1])) else {
            throw CollectdError(
                code: .typesDbSyntax,
                message:
                    "line \(line): data source '\(field)' of type '\(typeName)' has type '\(parts[1])'; "
                    + "expected GAUGE, COUNTER, DERIVE or ABSOLUTE"
            )
        }
        func bound(_ text: Substring) throws(CollectdError) -> Double? {
            if text == "U" { return nil }
            guard let value = Double(text) else {
                throw CollectdError(
                    code: .typesDbSyntax,
                    message: "line \(line): data source '\(field)' of type '\(typeName)' has bound '\(text)'; "
                        + "expected a number or U"
                )
            }
            return value
        }
        return DataSource(name: String(parts[0]), type: type, min: try bound(parts[2]), max: try bound(parts[3]))
    }

    /// Loads a types.db file.
    public static func load(path: String) throws(CollectdError) -> TypesDB {
        let text = try TextFile.readString(path: path, what: "types.db")
        do {
            return try TypesDB(parsing: text)
        } catch {
            throw CollectdError(code: error.code, message: "\(path): \(error.message)")
        }
    }

    /// The system's types.db when it is installed and readable, else ``builtIn``.
    public static func systemOrBuiltIn() -> TypesDB {
        (try? load(path: systemPath)) ?? builtIn
    }

    /// The data sources of a type, or nil when the type is unknown.
    public func dataSources(of type: String) -> [DataSource]? {
        sources[type]
    }

    /// The known type names, sorted.
    public var typeNames: [String] {
        sources.keys.sorted()
    }

    /// This database with the other's types added (the other's definition wins for a type both hold), as collectd
    /// does when several `TypesDB` files are configured.
    public func merging(_ other: TypesDB) -> TypesDB {
        TypesDB(types: sources.merging(other.sources) { _, new in new })
    }
}
