import Yams

/// The tags the ves_app mapping language defines (collectd.ves.userguide.rst, "Collectd metric mapping YAML tags",
/// "Collectd event mapping YAML tags" and "Helper YAML tags").
enum MappingTag: String, Sendable, CaseIterable {
    case measurements = "!Measurements"
    case events = "!Events"
    case arrayItem = "!ArrayItem"
    case valueItem = "!ValueItem"
    case number = "!Number"
    case bytes2Kibibytes = "!Bytes2Kibibytes"
    case stripExtraDash = "!StripExtraDash"
    case mapValue = "!MapValue"

    static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One node of a mapping file, read with Yams and reduced to what the compiler needs: content, the language's
/// tag if any, and where it is. Aliases are expanded and merge keys (`<<`) applied while reading, as PyYAML
/// (which ves_app used) applies them, so the compiler never sees either.
struct MappingNode: Sendable {
    /// A scalar as YAML 1.1 (PyYAML's resolver) reads it; quoted scalars are always strings.
    enum Scalar: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case number(Double)
        case bool(Bool)
        case null
    }

    enum Content: Sendable {
        case scalar(Scalar, text: String)
        case sequence([MappingNode])
        case mapping([MappingMember])
    }

    var content: Content
    var tag: MappingTag?
    var line: Int
    var column: Int

    /// The node's kind in words, for messages.
    var kindName: String {
        switch content {
        case .scalar: "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}

/// One key and value of a mapping; keys are plain strings in this language.
struct MappingMember: Sendable {
    var key: String
    var line: Int
    var column: Int
    var value: MappingNode
}

/// Reads the text of a mapping file into `MappingNode`s, within the limits.
struct MappingYAMLReader {
    let path: String
    let limits: MappingLimits
    private var nodes = 0

    init(path: String, limits: MappingLimits) {
        self.path = path
        self.limits = limits
    }

    mutating func read(_ text: String) throws(MappingError) -> MappingNode {
        guard text.utf8.count <= limits.maxFileBytes else {
            throw MappingError(
                code: .tooLarge,
                message: "the file is \(text.utf8.count) bytes; mapping files of at most \(limits.maxFileBytes) "
                    + "bytes are read",
                path: path
            )
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, Resolver.default)
        } catch {
            let detail = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            // Yams' messages start with LINE:COLUMN; with the path in front they read as a compiler's.
            throw MappingError(code: .badYAML, message: "not valid YAML (one document expected): \(detail)", path: path)
        }
        guard let root else {
            throw MappingError(code: .badYAML, message: "the file holds no YAML document", path: path, line: 1)
        }
        return try convert(root, depth: 0)
    }

    private mutating func convert(_ node: Node, depth: Int) throws(MappingError) -> MappingNode {
        let line = node.mark?.line ?? 0
        let column = node.mark?.column ?? 0
        nodes += 1
        guard nodes <= limits.maxNodes else {
            throw MappingError(
                code: .tooLarge,
                message: "the file expands to more than \(limits.maxNodes) nodes (aliases repeating a subtree?)",
                path: path,
                line: line,
                column: column
            )
        }
        guard depth < limits.maxDepth else {
            throw MappingError(
                code: .tooLarge,
                message: "nests deeper than \(limits.maxDepth) levels",
                path: path,
                line: line,
                column: column
            )
        }
        let written = node.writtenTag
        let languageTag = MappingTag(rawValue: written)
        if languageTag == nil, !Self.standardTags.contains(written) {
            throw MappingError(
                code: .unknownTag,
                message: "unknown tag '\(written)'; the mapping language has \(MappingTag.list)",
                path: path,
                line: line,
                column: column
            )
        }
        let content: MappingNode.Content
        switch node {
        case .scalar(let scalar):
            content = .scalar(try resolve(scalar, node: node, tag: written), text: scalar.string)
        case .sequence(let sequence):
            var elements: [MappingNode] = []
            for element in sequence {
                elements.append(try convert(element, depth: depth + 1))
            }
            content = .sequence(elements)
        case .mapping(let mapping):
            content = .mapping(try members(of: mapping, depth: depth))
        }
        return MappingNode(content: content, tag: languageTag, line: line, column: column)
    }

    /// A mapping's members with merge keys applied: merged members first (earlier sources win), then the
    /// mapping's own, which replace merged ones in place, as PyYAML's `flatten_mapping` orders them.
    private mutating func members(of mapping: Node.Mapping, depth: Int) throws(MappingError) -> [MappingMember] {
        var merged: [MappingMember] = []
        var own: [MappingMember] = []
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line ?? 0
            let column = keyNode.mark?.column ?? 0
            let keyTag = keyNode.writtenTag
            guard case .scalar(let key) = keyNode, keyTag.isEmpty || keyTag == "!" || keyTag == Self.stringTag else {
                throw MappingError(
                    code: .badTemplate,
                    message: "a mapping key must be a plain string, not \(keyNode.kindName)",
                    path: path,
                    line: line,
                    column: column
                )
            }
            if key.style == .plain, key.string == "<<" {
                for source in try mergeSources(valueNode, depth: depth) {
                    for member in source where !merged.contains(where: { $0.key == member.key }) {
                        merged.append(member)
                    }
                }
                continue
            }
            if own.contains(where: { $0.key == key.string }) {
                throw MappingError(
                    code: .badTemplate,
                    message: "the key '\(key.string)' appears twice in one mapping",
                    path: path,
                    line: line,
                    column: column
                )
            }
            own.append(
                MappingMember(
                    key: key.string,
                    line: line,
                    column: column,
                    value: try convert(valueNode, depth: depth + 1)
                )
            )
        }
        for member in own {
            if let index = merged.firstIndex(where: { $0.key == member.key }) {
                merged[index] = member
            } else {
                merged.append(member)
            }
        }
        return merged
    }

    /// The mappings a `<<` key merges: one mapping, or a sequence of them.
    private mutating func mergeSources(_ node: Node, depth: Int) throws(MappingError) -> [[MappingMember]] {
        switch node {
        case .mapping(let mapping):
            return [try members(of: mapping, depth: depth + 1)]
        case .sequence(let sequence):
            var sources: [[MappingMember]] = []
            for element in sequence {
                guard case .mapping(let mapping) = element else { break }
                sources.append(try members(of: mapping, depth: depth + 1))
            }
            if sources.count == sequence.count { return sources }
        case .scalar:
            break
        }
        throw MappingError(
            code: .badTemplate,
            message: "a merge key '<<' takes a mapping (an alias such as *commonEventHeader) or a list of them",
            path: path,
            line: node.mark?.line,
            column: node.mark?.column
        )
    }

    static let stringTag = "tag:yaml.org,2002:str"

    /// YAML's standard tags, as written (`!!str`) they arrive expanded; `""` is no tag, `"!"` the non-specific one.
    static let standardTags: Set<String> = [
        "", "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
    ]
}

extension Node {
    /// The tag as written in the file ("" when none): `Node.tag` gives the tag resolved from the text instead,
    /// which would make every plain number look explicitly tagged.
    fileprivate var writtenTag: String {
        switch self {
        case .scalar(let scalar): scalar.tag.description
        case .sequence(let sequence): sequence.tag.description
        case .mapping(let mapping): mapping.tag.description
        }
    }

    /// The node's kind in words, for messages.
    fileprivate var kindName: String {
        switch self {
        case .scalar: "a tagged scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }
}

extension MappingYAMLReader {
    /// Reads a scalar as PyYAML's YAML 1.1 resolver does (ves_app loaded the files with PyYAML), with the
    /// numbers range-checked: JSON holds neither `.inf` nor `.nan`, and integers must fit in 64 bits.
    fileprivate func resolve(_ scalar: Node.Scalar, node: Node, tag: String) throws(MappingError) -> MappingNode.Scalar
    {
        let text = scalar.string
        let kind: Tag.Name
        switch tag {
        case "tag:yaml.org,2002:int": kind = .int
        case "tag:yaml.org,2002:float": kind = .float
        case "tag:yaml.org,2002:bool": kind = .bool
        case "tag:yaml.org,2002:null": kind = .null
        case "":
            kind = Resolver.default.resolveTag(of: node)
        default:
            // The language's tags and `!!str` take the text as written.
            return .string(text)
        }
        switch kind {
        case .int:
            guard let value = Self.integer(text) else {
                throw badNumber(
                    node,
                    "the integer '\(text)' is not one this language reads (decimal, 0x hex, "
                        + "0o/leading-0 octal or 0b binary, within 64 bits); quote it if it is text"
                )
            }
            return .integer(value)
        case .float:
            var digits = text.filter { $0 != "_" }
            if digits.hasSuffix(".") { digits += "0" }
            if digits.hasPrefix(".") { digits = "0" + digits }
            if digits.hasPrefix("-.") || digits.hasPrefix("+.") {
                digits.insert("0", at: digits.index(after: digits.startIndex))
            }
            guard let value = Double(digits), value.isFinite else {
                throw badNumber(
                    node,
                    "the number '\(text)' is not one JSON can hold; write a finite decimal number "
                        + "or quote it if it is text"
                )
            }
            return .number(value)
        case .bool:
            return .bool(["yes", "true", "on"].contains(text.lowercased()))
        case .null:
            return .null
        case .str, .merge, .value:
            return .string(text)
        default:
            throw MappingError(
                code: .badTemplate,
                message: "'\(text)' reads as a YAML \(kind.rawValue.split(separator: ":").last ?? "value"), which JSON "
                    + "has no type for; quote it to keep it as text",
                path: path,
                line: node.mark?.line,
                column: node.mark?.column
            )
        }
    }

    private func badNumber(_ node: Node, _ problem: String) -> MappingError {
        MappingError(code: .badNumber, message: problem, path: path, line: node.mark?.line, column: node.mark?.column)
    }

    /// A YAML 1.1 integer: optional sign, then decimal, `0x` hex, `0o` or leading-`0` octal, or `0b` binary,
    /// underscores allowed between digits. Nil when it does not fit in `Int64` (sexagesimal `1:30` included).
    static func integer(_ text: String) -> Int64? {
        var body = Substring(text.filter { $0 != "_" })
        var negative = false
        if let sign = body.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        let radix: Int
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
        } else if body.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.count > 1, body.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        } else {
            radix = 10
        }
        guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
