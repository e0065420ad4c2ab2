import JSON

/// How draft-04 compares instance values, as Python's `jsonschema` does: numbers compare by value whatever
/// their JSON spelling (`1` equals `1.0`), booleans are never numbers, objects ignore member order.
enum SchemaValueSemantics {
    /// A number ready to compare; integers beyond `Int64` are approximated by the nearest double.
    enum Number {
        case integer(Int64)
        case double(Double)

        init?(_ value: JSONValue) {
            switch value {
            case .integer(let integer): self = .integer(integer)
            case .number(let double): self = .double(double)
            case .largeInteger(let text): self = .double(Double(text) ?? .nan)
            default: return nil
            }
        }

        var doubleValue: Double {
            switch self {
            case .integer(let integer): Double(integer)
            case .double(let double): double
            }
        }
    }

    /// -1, 0 or 1 as `lhs` is less than, equal to or greater than `rhs`, exactly (an `Int64` is not rounded to
    /// a double first); nil when either is NaN.
    static func compare(_ lhs: Number, _ rhs: Number) -> Int? {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.double(let a), .double(let b)):
            if a.isNaN || b.isNaN { return nil }
            return a < b ? -1 : (a == b ? 0 : 1)
        case (.integer(let a), .double(let b)):
            return compare(integer: a, double: b)
        case (.double(let a), .integer(let b)):
            return compare(integer: b, double: a).map { -$0 }
        }
    }

    private static func compare(integer: Int64, double: Double) -> Int? {
        if double.isNaN { return nil }
        if double >= 9_223_372_036_854_775_808.0 { return -1 }
        if double < -9_223_372_036_854_775_808.0 { return 1 }
        let floor = double.rounded(.down)
        let floorInteger = Int64(floor)
        if integer < floorInteger { return -1 }
        if integer > floorInteger { return 1 }
        return floor == double ? 0 : -1
    }

    /// JSON equality with draft-04 number semantics.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.string(let a), .string(let b)):
            return a == b
        case (.largeInteger(let a), .largeInteger(let b)):
            return a == b
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for index in a.indices where !equal(a[index], b[index]) {
                return false
            }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            if a.count <= 16 {
                for member in a.storage {
                    guard let other = b[member.key], equal(member.value, other) else { return false }
                }
                return true
            }
            var others: [String: JSONValue] = [:]
            others.reserveCapacity(b.count)
            for member in b.storage {
                others[member.key] = member.value
            }
            for member in a.storage {
                guard let other = others[member.key], equal(member.value, other) else { return false }
            }
            return true
        default:
            guard let a = Number(lhs), let b = Number(rhs) else { return false }
            return compare(a, b) == 0
        }
    }

    /// A hash consistent with `equal`.
    static func hash(_ value: JSONValue, into hasher: inout Hasher) {
        switch value {
        case .null:
            hasher.combine(0)
        case .bool(let flag):
            hasher.combine(1)
            hasher.combine(flag)
        case .integer, .number, .largeInteger:
            hasher.combine(2)
            let double = Number(value)?.doubleValue ?? 0
            hasher.combine(double == 0 ? 0 : double)
        case .string(let text):
            hasher.combine(3)
            hasher.combine(text)
        case .array(let elements):
            hasher.combine(4)
            hasher.combine(elements.count)
            for element in elements {
                hash(element, into: &hasher)
            }
        case .object(let object):
            hasher.combine(5)
            // Order-insensitive: members combine by a commutative sum of their own hashes.
            var sum = 0
            for member in object.storage {
                var memberHasher = Hasher()
                memberHasher.combine(member.key)
                hash(member.value, into: &memberHasher)
                sum = sum &+ memberHasher.finalize()
            }
            hasher.combine(sum)
        }
    }

    /// True when no two elements are equal under `equal`.
    static func allUnique(_ elements: [JSONValue]) -> Bool {
        if elements.count <= 16 {
            for i in elements.indices {
                for j in elements.indices where j > i && equal(elements[i], elements[j]) {
                    return false
                }
            }
            return true
        }
        var buckets: [Int: [Int]] = [:]
        for index in elements.indices {
            var hasher = Hasher()
            hash(elements[index], into: &hasher)
            let key = hasher.finalize()
            if let candidates = buckets[key] {
                for candidate in candidates where equal(elements[candidate], elements[index]) {
                    return false
                }
            }
            buckets[key, default: []].append(index)
        }
        return true
    }

    /// Draft-04 `multipleOf` as Python's `jsonschema` decides it.
    static func isMultiple(_ value: Number, of divisor: Number) -> Bool {
        switch (value, divisor) {
        case (.integer(let a), .integer(let b)):
            return b == 0 ? false : a % b == 0
        case (.double(let a), .integer(let b)):
            return a.truncatingRemainder(dividingBy: Double(b)) == 0
        default:
            let quotient = value.doubleValue / divisor.doubleValue
            return quotient.isFinite && quotient.rounded(.towardZero) == quotient
        }
    }
}
