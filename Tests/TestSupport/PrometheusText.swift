/// A scrape in the Prometheus text exposition format 0.0.4, parsed strictly enough to fail on a malformed line:
/// every line is `# HELP name text`, `# TYPE name type` or a sample `name{label="value",...} number`, each sample
/// belongs to a family declared by `# TYPE` (a histogram's `_bucket`, `_sum` and `_count` to its own) before it,
/// and every family has a `# HELP` line.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public struct FormatError: Error, CustomStringConvertible {
        public var line: String
        public var reason: String
        public var description: String { "\(reason): '\(line)'" }
    }

    public private(set) var samples: [Sample] = []
    /// Family name → type (`counter`, `gauge`, `histogram`...).
    public private(set) var types: [String: String] = [:]
    public private(set) var help: [String: String] = [:]

    public init(_ text: String) throws(FormatError) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            let line = String(line)
            if line.hasPrefix("# ") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, Self.isMetricName(parts[2]) else {
                    throw FormatError(line: line, reason: "a comment line without a metric name")
                }
                switch parts[1] {
                case "HELP": help[parts[2]] = parts.count > 3 ? parts[3] : ""
                case "TYPE":
                    let known = ["counter", "gauge", "histogram", "summary", "untyped"]
                    guard parts.count == 4, known.contains(parts[3]), types[parts[2]] == nil else {
                        throw FormatError(line: line, reason: "a TYPE line that is unknown or repeated")
                    }
                    types[parts[2]] = parts[3]
                default: break
                }
                continue
            }
            let sample = try Self.sample(line)
            guard family(of: sample.name) != nil else {
                throw FormatError(line: line, reason: "a sample before its family's TYPE line")
            }
            samples.append(sample)
        }
        if let unhelped = types.keys.first(where: { help[$0] == nil }) {
            throw FormatError(line: unhelped, reason: "a family without a HELP line")
        }
    }

    /// The family a sample name belongs to: itself, or a histogram's or summary's name before its suffix.
    public func family(of name: String) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return nil
    }

    /// The value of the sample with exactly these labels; 0 when there is none (a counter not yet counted).
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples.first { $0.name == name && $0.labels == labels }?.value ?? 0
    }

    /// The sum over the samples of `name` whose labels include `labels`.
    public func sum(_ name: String, matching labels: [String: String] = [:]) -> Double {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }.reduce(0) { $0 + $1.value }
    }

    static func isMetricName(_ name: some StringProtocol) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else {
            return false
        }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ name: some StringProtocol) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    private static func sample(_ line: String) throws(FormatError) -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0 != "{" && $0 != " " }
        guard isMetricName(name) else { throw FormatError(line: line, reason: "a bad metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let labelName = rest.prefix { $0 != "=" }
                guard isLabelName(labelName), rest.dropFirst(labelName.count).hasPrefix("=\"") else {
                    throw FormatError(line: line, reason: "a bad label")
                }
                rest = rest.dropFirst(labelName.count + 2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first, "\\\"n".contains(escaped) else {
                            throw FormatError(line: line, reason: "a bad escape in a label value")
                        }
                        value.append(escaped == "n" ? "\n" : escaped)
                        rest = rest.dropFirst()
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"", labels[String(labelName)] == nil else {
                    throw FormatError(line: line, reason: "an unterminated or repeated label")
                }
                labels[String(labelName)] = value
                rest = rest.dropFirst()
                if rest.first == "," {
                    rest = rest.dropFirst()
                } else if rest.first != "}" {
                    throw FormatError(line: line, reason: "labels not separated by commas")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw FormatError(line: line, reason: "no space before the value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = Double(fields[0]) ?? Self.special(fields[0]) else {
            throw FormatError(line: line, reason: "a value that is not a number")
        }
        return Sample(name: String(name), labels: labels, value: value)
    }

    private static func special(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: nil
        }
    }
}
