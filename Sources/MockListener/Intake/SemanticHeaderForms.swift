import JSON
import JSONSchema
import VESModel

/// The form of two 7.x header strings that the schema types only as `string` (or an enum that a loaded schema may
/// not have): vesEventListenerVersion must name the route's major version, and timeZoneOffset is `UTC+hh:mm` or
/// `UTC-hh:mm`. A member that is missing or not a string is left to the schema.
enum SemanticHeaderForms {
    static func listenerVersion(_ event: SemanticEvent, _ served: VESVersion) -> Violation? {
        let routeMajor = served.parts.major
        let expected = "expected \(routeMajor).x, such as '\(served.rawValue)'"
        guard let text = event.header["vesEventListenerVersion"]?.stringValue else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed =
            (1...3).contains(parts.count)
            && parts.allSatisfy { (1...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard wellFormed, let major = Int(parts[0]) else {
            return event.warning(
                at: "vesEventListenerVersion",
                "vesEventListenerVersion '\(text)' is not a version of the form '#', '#.#' or '#.#.#'; \(expected)"
            )
        }
        guard major != routeMajor else { return nil }
        return event.warning(
            at: "vesEventListenerVersion",
            "vesEventListenerVersion '\(text)' is major version \(major), but the event was posted to "
                + "/eventListener/\(served.segment); \(expected), or the event posted to /eventListener/v\(major)"
        )
    }

    /// Real offsets run from UTC-12:00 to UTC+14:00.
    static let hoursRange = 0...14

    static func timeZoneOffset(_ event: SemanticEvent) -> Violation? {
        guard let text = event.header["timeZoneOffset"]?.stringValue else { return nil }
        let bytes = Array(text.utf8)
        let digit = { (index: Int) -> Int? in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) ? Int(bytes[index] - UInt8(ascii: "0")) : nil
        }
        guard bytes.count == 9, text.hasPrefix("UTC"), bytes[3] == UInt8(ascii: "+") || bytes[3] == UInt8(ascii: "-"),
            bytes[6] == UInt8(ascii: ":"), let h1 = digit(4), let h2 = digit(5), let m1 = digit(7), let m2 = digit(8)
        else {
            return event.warning(
                at: "timeZoneOffset",
                "timeZoneOffset '\(text)' is not of the form 'UTC+hh:mm' or 'UTC-hh:mm' that 7.2.1 gives "
                    + "(such as 'UTC-05:30' or 'UTC+00:00')"
            )
        }
        let hours = h1 * 10 + h2
        let minutes = m1 * 10 + m2
        if hoursRange.contains(hours), minutes <= 59 { return nil }
        return event.warning(
            at: "timeZoneOffset",
            "timeZoneOffset '\(text)' is out of range; expected hours 00 to 14 and minutes 00 to 59"
        )
    }
}
