import JSON
import Yams

/// Reads an OpenAPI file into a `JSONValue`: JSON files with the project's parser, YAML with Yams, its nodes
/// mapped here onto JSON's types with the keys in document order.
///
/// Scalars resolve as in YAML 1.2's core schema, which OpenAPI recommends: only `true`/`false` are booleans
/// and dates stay strings, so `on`, `no` or `2020-01-01` in an enum keep the text the author wrote.
enum YAMLReader {
    static let maxBytes = 16 * 1024 * 1024
    static let maxDepth = 256
    /// Without aliases a file holds fewer values than bytes; aliases that repeat a subtree past that (plus
    /// this much room) are refused, so a small file cannot expand into millions of values.
    static let aliasAllowance = 10_000

    static func read(_ bytes: [UInt8], path: String) throws(StndDefinedError) -> JSONValue {
        guard bytes.count <= maxBytes else {
            throw StndDefinedError(
                code: .tooLarge,
                message: "\(path) is \(bytes.count) bytes; schema files of at most \(maxBytes) bytes are read"
            )
        }
        if path.hasSuffix(".json") {
            do {
                return try JSONParser(maxDepth: maxDepth, maxBytes: maxBytes).parse(bytes)
            } catch {
                throw StndDefinedError(code: .badYAML, message: "\(path) is not valid JSON: \(error.message)")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw StndDefinedError(code: .badYAML, message: "\(path) is not UTF-8 text")
        }
        let root: Node?
        let resolver: Resolver
        do {
            resolver = try coreSchemaResolver()
            root = try compose(yaml: text, resolver)
        } catch {
            throw StndDefinedError(code: .badYAML, message: "\(path) is not valid YAML: \(error)")
        }
        guard let root else {
            throw StndDefinedError(code: .badYAML, message: "\(path) holds no YAML document")
        }
        var conversion = NodeConversion(path: path, resolver: resolver, maxValues: bytes.count + aliasAllowance)
        return try conversion.value(of: root, depth: 0)
    }

    /// The YAML 1.2 core schema's rules; built per file because Yams's resolver is not `Sendable`.
    private static func coreSchemaResolver() throws -> Resolver {
        try Resolver.basic
            .appending(.null, "^(?:~|null|Null|NULL|)$")
            .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
            .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
            .appending(
                .float,
                "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)"
                    + "|\\.(?:nan|NaN|NAN))$"
            )
    }
}

/// One file's nodes turned into JSON values, counting them against the limit.
private struct NodeConversion {
    let path: String
    /// Gives each scalar its tag: the one written, or the one its text resolves to.
    let resolver: Resolver
    let maxValues: Int
    var values = 0

    init(path: String, resolver: Resolver, maxValues: Int) {
        self.path = path
        self.resolver = resolver
        self.maxValues = maxValues
    }

    mutating func value(of node: Node, depth: Int) throws(StndDefinedError) -> JSONValue {
        values += 1
        guard values <= maxValues else {
            throw StndDefinedError(
                code: .tooLarge,
                message: "\(path) expands to more than \(maxValues) values: aliases repeating a subtree too often"
            )
        }
        guard depth < YAMLReader.maxDepth else {
            throw failure(node, "nests deeper than \(YAMLReader.maxDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            return try value(of: scalar, node: node)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence {
                elements.append(try value(of: element, depth: depth + 1))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            var keys: Set<String> = []
            for (keyNode, valueNode) in mapping {
                // Keys are strings whatever they look like: OpenAPI's `200:` response is the key "200".
                guard case .scalar(let key) = keyNode else {
                    throw failure(keyNode, "has a mapping key that is not a plain string")
                }
                guard keys.insert(key.string).inserted else {
                    throw failure(keyNode, "has the key '\(key.string)' twice in one mapping")
                }
                members.append((key.string, try value(of: valueNode, depth: depth + 1)))
            }
            return .object(JSONObject(members))
        }
    }

    private func value(of scalar: Node.Scalar, node: Node) throws(StndDefinedError) -> JSONValue {
        let text = scalar.string
        let tag = resolver.resolveTag(of: node)
        switch tag {
        case .str:
            return .string(text)
        case .null:
            return .null
        case .bool:
            return .bool(text.lowercased() == "true")
        case .int:
            return try integer(text, node: node)
        case .float:
            guard let number = Double(text), number.isFinite else {
                throw failure(node, "has the number '\(text)', which JSON cannot hold")
            }
            return .number(number)
        default:
            throw failure(node, "has a value tagged '\(tag.rawValue)', which is not a JSON type")
        }
    }

    private func integer(_ text: String, node: Node) throws(StndDefinedError) -> JSONValue {
        if text.hasPrefix("0x") || text.hasPrefix("0o") {
            guard let value = Int64(text.dropFirst(2), radix: text.hasPrefix("0x") ? 16 : 8) else {
                throw failure(node, "has the integer '\(text)', beyond 64 bits")
            }
            return .integer(value)
        }
        let negative = text.hasPrefix("-")
        var digits = text.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" }
        if digits.isEmpty {
            digits = "0"
        }
        let written = (negative && digits != "0" ? "-" : "") + digits
        if let value = Int64(written) {
            return .integer(value)
        }
        return .largeInteger(written)
    }

    private func failure(_ node: Node, _ problem: String) -> StndDefinedError {
        let place = node.mark.map { "\(path):\($0.line):\($0.column)" } ?? path
        return StndDefinedError(code: .badYAML, message: "\(place) \(problem)")
    }
}
