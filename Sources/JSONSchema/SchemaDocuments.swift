public import JSON

/// Schema documents keyed by URI or absolute path, so a `$ref` in one document can name a schema in another
/// (`other.yaml#/components/schemas/X`, resolved against the key of the document it is written in).
public struct SchemaDocuments: Sendable {
    private var documents: [String: JSONValue]

    /// The documents, each under the URI or path its relative references are resolved against; keys should
    /// be normalized (no `.` or `..` segments), as `resolve` gives them.
    public init(_ documents: [String: JSONValue] = [:]) {
        self.documents = documents
    }

    /// The document stored under `key`, nil when there is none.
    public subscript(key: String) -> JSONValue? {
        get { documents[key] }
        set { documents[key] = newValue }
    }

    /// Every key, sorted, for messages that list what is there.
    public var keys: [String] { documents.keys.sorted() }

    /// How many documents there are, for loaders that cap it.
    public var count: Int { documents.count }

    /// Splits `reference` into the document it names, resolved against `base` (RFC 3986 section 5.2; a
    /// reference without a document part names `base` itself), and its fragment, percent-decoded.
    public static func resolve(_ reference: String, against base: String) -> (document: String, fragment: String) {
        let documentPart: Substring
        let fragment: Substring
        if let hash = reference.firstIndex(of: "#") {
            documentPart = reference[..<hash]
            fragment = reference[reference.index(after: hash)...]
        } else {
            documentPart = reference[...]
            fragment = ""
        }
        let decoded = percentDecoded(String(fragment)) ?? String(fragment)
        return (documentPart.isEmpty ? base : target(of: String(documentPart), base: base), decoded)
    }

    /// Every `$ref` string in `document`, wherever it sits, for loaders that fetch the documents they name.
    public static func references(in document: JSONValue) -> [String] {
        var found: [String] = []
        var pending = [document]
        while let value = pending.popLast() {
            switch value {
            case .object(let object):
                for member in object.storage {
                    if member.key == "$ref", case .string(let reference) = member.value {
                        found.append(reference)
                    } else {
                        pending.append(member.value)
                    }
                }
            case .array(let elements):
                pending.append(contentsOf: elements)
            default:
                break
            }
        }
        return found
    }

    // MARK: RFC 3986 resolution

    private static func target(of reference: String, base: String) -> String {
        if scheme(of: reference) != nil {
            let parts = split(reference)
            return parts.prefix + removingDotSegments(parts.path)
        }
        let baseParts = split(base)
        if reference.hasPrefix("//") {
            let scheme = scheme(of: base).map { $0 + ":" } ?? ""
            let parts = split(scheme + reference)
            return parts.prefix + removingDotSegments(parts.path)
        }
        if reference.hasPrefix("/") {
            return baseParts.prefix + removingDotSegments(reference)
        }
        let merged: String
        if let slash = baseParts.path.lastIndex(of: "/") {
            merged = baseParts.path[...slash] + reference
        } else {
            // A base with an authority and no path merges as if its path were "/".
            merged = (baseParts.prefix.contains("//") ? "/" : "") + reference
        }
        return baseParts.prefix + removingDotSegments(merged)
    }

    /// The scheme of an absolute URI (`https`), nil for a relative reference or a path.
    private static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let candidate = text[..<colon]
        guard let first = candidate.unicodeScalars.first, first.isASCIILetter else { return nil }
        let schemeCharacters = candidate.unicodeScalars.allSatisfy { scalar in
            scalar.isASCIILetter || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar)
        }
        return schemeCharacters ? String(candidate) : nil
    }

    /// `scheme://authority` (or `scheme:`, or nothing) and the path after it.
    private static func split(_ text: String) -> (prefix: String, path: String) {
        var rest = Substring(text)
        var prefix = ""
        if let scheme = scheme(of: text) {
            prefix = scheme + ":"
            rest = rest.dropFirst(prefix.count)
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            prefix += "//" + afterSlashes[..<end]
            rest = afterSlashes[end...]
        }
        return (prefix, String(rest))
    }

    /// RFC 3986 section 5.2.4: `a/./b/../c` becomes `a/c`.
    static func removingDotSegments(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty, !(output.count == 1 && output[0].isEmpty && absolute) {
                    output.removeLast()
                }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        var joined = output.joined(separator: "/")
        if absolute && !joined.hasPrefix("/") {
            joined = "/" + joined
        }
        return joined
    }

    static func percentDecoded(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self)
    }
}
