import Platform
import VESModel

/// Reads an agent configuration file in collectd's syntax, so the `<Plugin ves_plugin>` block of an existing
/// collectd.conf works as it is:
///
///     # comment
///     <Plugin ves_plugin>
///       Domain "10.0.0.5"
///       Port 8443
///       GuestRunning true
///     </Plugin>
///
/// Block lines (`<...>`) are ignored; each other line is a key and one value, quoted or bare.
enum ConfigFile {
    struct Entry {
        var key: String
        var value: String
        /// `FILE:LINE`, for messages.
        var source: String
    }

    static func read(path: String) throws(AgentError) -> [Entry] {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw AgentError(code: .config, message: "cannot read the configuration file \(path): \(error)")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), name: path)
    }

    static func parse(_ text: String, name: String) throws(AgentError) -> [Entry] {
        var entries: [Entry] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let source = "\(name):\(number + 1)"
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("<") { continue }
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                // never the line itself: `Password=secret` would end up on stderr
                let named = knownKey(atStartOf: line).map { "Key '\($0)'" } ?? "A line"
                throw AgentError(
                    code: .config,
                    message: "\(named) has no value (\(source)): write the key, a space and the value"
                )
            }
            let key = String(line[..<space])
            var rest = line[space...].trimmingSpaces()
            let value: String
            if rest.hasPrefix("\"") {
                rest.removeFirst()
                var unquoted = ""
                var escaped = false
                var closed = false
                for character in rest {
                    if escaped {
                        unquoted.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        unquoted.append(character)
                    }
                }
                guard closed else {
                    let named = displayedKey(key).map { "Key '\($0)'" } ?? "A line"
                    throw AgentError(code: .config, message: "\(named) has an unterminated string (\(source))")
                }
                value = unquoted
            } else {
                if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash].trimmingSpaces() }
                value = String(rest)
            }
            entries.append(Entry(key: key, value: value, source: source))
        }
        return entries
    }
}

extension ConfigFile {
    /// The known key a line starts with (`Password` of `Password=secret`), in its own spelling; nil when the line
    /// starts with no key name.
    static func knownKey(atStartOf line: Substring) -> String? {
        let name = line.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return AgentConfigurationKey.named(String(name))?.name
    }

    /// A key as a message may show it: only when it looks like a key name (ASCII letters, digits, `_`, `-`, `.`,
    /// at most 64), so a mistyped line's value (a password) is never echoed.
    static func displayedKey(_ key: String) -> String? {
        guard !key.isEmpty, key.utf8.count <= 64,
            key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
        else { return nil }
        return key
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }
}
