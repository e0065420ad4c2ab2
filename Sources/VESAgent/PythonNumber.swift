import Collectd
import JSON
import VESModel

/// A number as the reference plugin's Python code holds it: collectd's COUNTER, DERIVE and ABSOLUTE values are
/// Python ints, GAUGE values floats, and arithmetic keeps Python's rules (int + int is an int, anything with a
/// float is a float, `round(int, n)` is an int). The JSON text and `str()` follow from the kind.
enum PythonNumber: Sendable, Equatable {
    case integer(Int128)
    case float(Double)

    init(_ value: Value) {
        switch value {
        case .counter(let number), .absolute(let number): self = .integer(Int128(number))
        case .derive(let number): self = .integer(Int128(number))
        case .gauge(let number): self = .float(number)
        }
    }

    /// Python's `float(x)` (through Int64 when the integer fits: the same rounding, far faster than from Int128).
    var double: Double {
        switch self {
        case .integer(let number):
            if let small = Int64(exactly: number) { return Double(small) }
            return Double(number)
        case .float(let number): return number
        }
    }

    /// Whether the number is below zero.
    var isNegative: Bool {
        switch self {
        case .integer(let number): number < 0
        case .float(let number): number < 0
        }
    }

    static func + (lhs: PythonNumber, rhs: PythonNumber) -> PythonNumber {
        if case .integer(let left) = lhs, case .integer(let right) = rhs {
            return .integer(left &+ right)
        }
        return .float(lhs.double + rhs.double)
    }

    static func - (lhs: PythonNumber, rhs: PythonNumber) -> PythonNumber {
        if case .integer(let left) = lhs, case .integer(let right) = rhs {
            return .integer(left &- right)
        }
        return .float(lhs.double - rhs.double)
    }

    /// Python's `round(x, digits)`.
    func rounded(_ digits: Int) -> PythonNumber {
        switch self {
        case .integer: self
        case .float(let number): .float(PythonJSON.round(number, digits: digits))
        }
    }

    /// The value as `json.dumps` writes it, into a streaming writer.
    func write(to json: inout PythonJSONWriter) {
        switch self {
        case .integer(let number):
            if let small = Int64(exactly: number) {
                json.integer(small)
            } else {
                json.raw(String(number))
            }
        case .float(let number):
            json.float(number)
        }
    }

    /// Python's `str(x)`.
    var text: String {
        switch self {
        case .integer(let number): String(number)
        case .float(let number): PythonJSON.floatRepr(number)
        }
    }
}

extension Value {
    /// `str(value)` of the value as the plugin received it from collectd.
    var pythonText: String {
        switch self {
        case .counter(let number), .absolute(let number): String(number)
        case .derive(let number): String(number)
        case .gauge(let number): PythonJSON.floatRepr(number)
        }
    }
}
