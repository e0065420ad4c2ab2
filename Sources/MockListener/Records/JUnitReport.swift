import JSON
import JSONSchema
import VESModel

/// The JUnit XML a CI system shows: one testcase per event, a failure with every pointer for each invalid one.
/// Memory keeps the newest records only: when the listener received more (or the events were deleted), one more
/// testcase says how many are not in the report, failing when some of them were invalid, so CI still sees red.
struct JUnitReport {
    var suiteName: String
    var cases: [RecordStore.Entry]
    /// The listener's lifetime counts, to tell what the cases leave out.
    var lifetime: ListenerSummary

    var xml: String {
        let shownFailures = cases.count { !$0.valid }
        let omitted = max(0, lifetime.events - cases.count)
        let omittedFailures = max(0, lifetime.invalid - shownFailures)
        let failures = shownFailures + (omittedFailures > 0 ? 1 : 0)
        let tests = cases.count + (omitted > 0 ? 1 : 0)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<testsuites name=\"\(escape(suiteName))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
        let timestamp =
            cases.first.map { String($0.receivedAt.dropLast(5)) }
            ?? String(RFC3339.now(precision: .milliseconds).dropLast(5))
        out += "  <testsuite name=\"\(escape(suiteName))\" tests=\"\(tests)\" failures=\"\(failures)\" "
        out += "errors=\"0\" skipped=\"0\" timestamp=\"\(timestamp)\">\n"
        for item in cases {
            // version/domain/source, so a CI report groups a run by what sent what
            let domain = item.domain ?? (item.kind == .rejected ? "rejected" : "unknown")
            let className = "ves.\(item.apiVersion ?? "-").\(domain)"
            var name = "\(item.apiVersion ?? "-")/\(domain)/\(item.sourceName ?? "-") #\(item.seq)"
            if let eventId = item.eventId { name += " eventId \(eventId)" }
            if item.kind == .rejected { name += " \(item.path) (HTTP \(item.status))" }
            out += "    <testcase classname=\"\(escape(className))\" name=\"\(escape(name))\" time=\"0\">\n"
            if !item.valid {
                let first = item.errors.first.map { "\($0.pointer): \($0.message)" } ?? "HTTP \(item.status)"
                let summary = item.errors.count > 1 ? "\(first) (and \(item.errors.count - 1) more)" : first
                out += "      <failure type=\"\(item.kind == .rejected ? "rejected" : "invalid")\" "
                out += "message=\"\(escape(summary))\">"
                out += escape(item.errors.map(Self.describe).joined(separator: "\n"))
                out += "</failure>\n"
            }
            // warnings are not failures: the event still passed, but CI shows what a person should look at
            if !item.warnings.isEmpty {
                out += "      <system-out>"
                out += escape(
                    item.warnings.map { "warning (\($0.keyword)) \(Self.describe($0))" }.joined(separator: "\n")
                )
                out += "</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        if omitted > 0 {
            out += Self.omittedCase(omitted: omitted, invalid: omittedFailures)
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    private static func omittedCase(omitted: Int, invalid: Int) -> String {
        let text =
            "\(omitted) events or rejected requests are not in this report, \(invalid) of them invalid: memory keeps "
            + "the newest records only (--max-records), and DELETE /testControl/v1/events frees them; the record "
            + "file has every one"
        var out = "    <testcase classname=\"ves.omitted\" name=\"records not in this report\" time=\"0\">\n"
        if invalid > 0 {
            out += "      <failure type=\"invalid\" message=\"\(text)\">\(text)</failure>\n"
        } else {
            out += "      <system-out>\(text)</system-out>\n"
        }
        return out + "    </testcase>\n"
    }

    /// `pointer: message`, with `/` for the whole document so a line never starts with a bare colon.
    private static func describe(_ violation: Violation) -> String {
        "\(violation.pointer.isEmpty ? "/" : violation.pointer): \(violation.message)"
    }

    private func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out += "&#\(scalar.value);"
            default:
                // XML 1.0 forbids most control characters even as references
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
