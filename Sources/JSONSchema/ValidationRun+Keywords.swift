import JSON

extension ValidationRun {
    mutating func validateArray(_ constraints: ArrayConstraints, _ elements: [JSONValue], _ value: JSONValue) -> Bool {
        var valid = true
        switch constraints.items {
        case .any:
            break
        case .each(let schema):
            for index in 0..<elements.count where !descend(schema, elements[index], step: -index - 1) {
                guard collecting else { return false }
                valid = false
            }
        case .tuple(let schemas):
            for index in 0..<min(schemas.count, elements.count)
            where !descend(schemas[index], elements[index], step: -index - 1) {
                guard collecting else { return false }
                valid = false
            }
            if elements.count > schemas.count {
                switch constraints.additionalItems {
                case .allowed:
                    break
                case .forbidden:
                    guard collecting else { return false }
                    valid = false
                    let extras = elements[schemas.count...]
                    let verb = extras.count == 1 ? "was" : "were"
                    let rendered = extras.map(PythonRepr.render).joined(separator: ", ")
                    report("additionalItems", "Additional items are not allowed (\(rendered) \(verb) unexpected)")
                case .schema(let schema):
                    for index in schemas.count..<elements.count
                    where !descend(schema, elements[index], step: -index - 1) {
                        guard collecting else { return false }
                        valid = false
                    }
                }
            }
        }
        if let minimum = constraints.minItems, elements.count < minimum {
            guard collecting else { return false }
            valid = false
            let wording = minimum == 1 ? "should be non-empty" : "is too short"
            report("minItems", "\(PythonRepr.render(value)) \(wording)")
        }
        if let maximum = constraints.maxItems, elements.count > maximum {
            guard collecting else { return false }
            valid = false
            let wording = maximum == 0 ? "is expected to be empty" : "is too long"
            report("maxItems", "\(PythonRepr.render(value)) \(wording)")
        }
        if constraints.uniqueItems, !SchemaValueSemantics.allUnique(elements) {
            guard collecting else { return false }
            valid = false
            report("uniqueItems", "\(PythonRepr.render(value)) has non-unique elements")
        }
        return valid
    }

    mutating func validateString(_ constraints: StringConstraints, _ text: String, _ value: JSONValue) -> Bool {
        var valid = true
        if constraints.minLength != nil || constraints.maxLength != nil {
            let length = text.unicodeScalars.count
            if let minimum = constraints.minLength, length < minimum {
                guard collecting else { return false }
                valid = false
                let wording = minimum == 1 ? "should be non-empty" : "is too short"
                report("minLength", "\(PythonRepr.render(value)) \(wording)")
            }
            if let maximum = constraints.maxLength, length > maximum {
                guard collecting else { return false }
                valid = false
                let wording = maximum == 0 ? "is expected to be empty" : "is too long"
                report("maxLength", "\(PythonRepr.render(value)) \(wording)")
            }
        }
        if let pattern = constraints.pattern, !pattern.regex.matches(text) {
            guard collecting else { return false }
            valid = false
            report("pattern", "\(PythonRepr.render(value)) does not match \(PythonRepr.string(pattern.text))")
        }
        if let format = constraints.format, !format.accepts(text) {
            guard collecting else { return false }
            valid = false
            report("format", "\(PythonRepr.render(value)) is not a \(PythonRepr.string(format.rawValue))")
        }
        return valid
    }

    mutating func validateNumber(_ constraints: NumericConstraints, _ value: JSONValue) -> Bool {
        guard let number = SchemaValueSemantics.Number(value) else { return true }
        var valid = true
        if let minimum = constraints.minimum, let order = SchemaValueSemantics.compare(number, minimum.value),
            minimum.exclusive ? order <= 0 : order < 0
        {
            guard collecting else { return false }
            valid = false
            let comparison = minimum.exclusive ? "less than or equal to" : "less than"
            report(
                "minimum",
                "\(PythonRepr.render(value)) is \(comparison) the minimum of \(PythonRepr.render(minimum.written))"
            )
        }
        if let maximum = constraints.maximum, let order = SchemaValueSemantics.compare(number, maximum.value),
            maximum.exclusive ? order >= 0 : order > 0
        {
            guard collecting else { return false }
            valid = false
            let comparison = maximum.exclusive ? "greater than or equal to" : "greater than"
            report(
                "maximum",
                "\(PythonRepr.render(value)) is \(comparison) the maximum of \(PythonRepr.render(maximum.written))"
            )
        }
        if let divisor = constraints.multipleOf, !SchemaValueSemantics.isMultiple(number, of: divisor.value) {
            guard collecting else { return false }
            valid = false
            report(
                "multipleOf",
                "\(PythonRepr.render(value)) is not a multiple of \(PythonRepr.render(divisor.written))"
            )
        }
        return valid
    }

    // MARK: Combinators

    /// Runs `node` on `value` only to learn whether it passes, without recording violations.
    mutating func passes(_ node: NodeLink, _ value: JSONValue) -> Bool {
        let wasCollecting = collecting
        collecting = false
        defer { collecting = wasCollecting }
        return validate(node, value)
    }

    mutating func validateCombinators(_ combinators: Combinators, _ value: JSONValue) -> Bool {
        var valid = true
        for branch in combinators.allOf where !validate(branch, value) {
            guard collecting else { return false }
            valid = false
        }
        if let discriminator = combinators.discriminator, case .object(let object) = value {
            // The discriminator picks the one branch that applies, so its violations are the ones to report.
            if !validateDiscriminated(discriminator, object, value) {
                guard collecting else { return false }
                valid = false
            }
        } else if !validateAlternatives(combinators, value) {
            guard collecting else { return false }
            valid = false
        }
        if let negated = combinators.not, passes(negated, value) {
            guard collecting else { return false }
            valid = false
            report(
                "not",
                "\(PythonRepr.render(value)) should not be valid under \(PythonRepr.render(combinators.notSchema))"
            )
        }
        return valid
    }

    /// OpenAPI's `discriminator`: the named member's value chooses the schema the object must satisfy.
    mutating func validateDiscriminated(_ discriminator: Discriminator, _ object: JSONObject, _ value: JSONValue)
        -> Bool
    {
        let name = discriminator.propertyName
        guard let chosen = object[name] else {
            report(
                "discriminator",
                "\(PythonRepr.string(name)) is a required property: it names the schema to use, one of "
                    + discriminator.renderedValues,
                member: name
            )
            return false
        }
        guard case .string(let text) = chosen, let schema = discriminator.schema(for: text) else {
            report(
                "discriminator",
                "\(PythonRepr.render(chosen)) is not one of \(discriminator.renderedValues) (the values of the "
                    + "discriminator \(PythonRepr.string(name)))",
                member: name
            )
            return false
        }
        return validate(schema, value)
    }

    mutating func validateAlternatives(_ combinators: Combinators, _ value: JSONValue) -> Bool {
        var valid = true
        if !combinators.anyOf.isEmpty {
            var matched = false
            for branch in combinators.anyOf where passes(branch, value) {
                matched = true
                break
            }
            if !matched {
                guard collecting else { return false }
                valid = false
                report("anyOf", "\(PythonRepr.render(value)) is not valid under any of the given schemas")
            }
        }
        if !combinators.oneOf.isEmpty {
            var passing: [Int] = []
            for index in combinators.oneOf.indices where passes(combinators.oneOf[index], value) {
                passing.append(index)
                if !collecting && passing.count > 1 { return false }
            }
            if passing.isEmpty {
                guard collecting else { return false }
                valid = false
                report("oneOf", "\(PythonRepr.render(value)) is not valid under any of the given schemas")
            } else if passing.count > 1 {
                guard collecting else { return false }
                valid = false
                // Python lists the later matches first, then the first one.
                let order = passing.dropFirst() + [passing[0]]
                let schemas = order.map { PythonRepr.render(combinators.oneOfSchemas[$0]) }.joined(separator: ", ")
                report("oneOf", "\(PythonRepr.render(value)) is valid under each of \(schemas)")
            }
        }
        return valid
    }
}
