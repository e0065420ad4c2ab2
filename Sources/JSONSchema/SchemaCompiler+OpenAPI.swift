import JSON

/// The OpenAPI 3.0 keywords draft-04 lacks. The rest of the Schema Object's extras (`readOnly`, `writeOnly`,
/// `example`, `deprecated`, `xml`, `externalDocs`) are notes, so the compiler passes over them like any
/// unknown keyword.
extension SchemaCompiler {
    /// `nullable: true`; only read in the OpenAPI dialect, where it is a keyword.
    func compileNullable(_ schema: JSONObject, at location: String) throws(SchemaError) -> Bool {
        guard dialect == .openAPI30, let value = schema["nullable"] else { return false }
        guard case .bool(let flag) = value else {
            throw invalid(location, "'nullable' must be a boolean")
        }
        return flag
    }

    /// A `discriminator` beside `oneOf`/`anyOf`, with its choices: the `mapping` entries, then each `$ref`ed
    /// branch under the name of the schema it names. Anywhere else (beside `allOf`, or alone) it is a note:
    /// following it from a parent schema into the children that include that parent would never end.
    mutating func compileDiscriminator(_ schema: JSONObject, at tokens: [String]) throws(SchemaError)
        -> Discriminator?
    {
        guard dialect == .openAPI30, let value = schema["discriminator"] else { return nil }
        let location = locationOf(tokens)
        guard case .object(let discriminator) = value, case .string(let propertyName)? = discriminator["propertyName"]
        else {
            throw invalid(location, "'discriminator' must be an object with a string 'propertyName'")
        }
        var choices: [(value: String, schema: NodeLink)] = []
        if let mapping = discriminator["mapping"] {
            guard case .object(let entries) = mapping else {
                throw invalid(location, "'discriminator.mapping' must be an object of strings")
            }
            for entry in entries.storage {
                guard case .string(let target) = entry.value else {
                    throw invalid(location, "'discriminator.mapping' must be an object of strings")
                }
                // A bare name stands for the schema of that name under components/schemas.
                let isReference = target.contains("#") || target.contains("/")
                let reference = isReference ? target : "#/components/schemas/" + JSONPointer.escape(target)
                let node = referringNode(reference, at: locationOf(tokens + ["discriminator", "mapping", entry.key]))
                choices.append((entry.key, NodeLink(node)))
            }
        }
        var hasBranches = false
        for keyword in ["oneOf", "anyOf"] {
            guard case .array(let branches)? = schema[keyword] else { continue }
            hasBranches = true
            for (index, branch) in branches.enumerated() {
                guard case .string(let reference)? = branch["$ref"],
                    let name = Self.schemaName(reference),
                    !choices.contains(where: { $0.value == name }),
                    let node = nodesByLocation[locationOf(tokens + [keyword, String(index)])]
                else { continue }
                choices.append((name, NodeLink(node)))
            }
        }
        guard hasBranches else { return nil }
        return Discriminator(propertyName: propertyName, choices: choices)
    }

    /// The last token of a reference's pointer: `Dog` for `pets.yaml#/components/schemas/Dog`.
    private static func schemaName(_ reference: String) -> String? {
        guard let hash = reference.firstIndex(of: "#") else { return nil }
        let fragment = String(reference[reference.index(after: hash)...])
        guard let decoded = SchemaDocuments.percentDecoded(fragment), let last = JSONPointer.tokens(decoded)?.last
        else { return nil }
        return last
    }
}
