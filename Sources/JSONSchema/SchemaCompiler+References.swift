import JSON

extension SchemaCompiler {
    /// Compiles the schema `reference` names (`KEY#/pointer`) and everything it reaches, and returns a node
    /// that refers to it.
    mutating func compileEntry(_ reference: String) throws(SchemaError) -> SchemaNode {
        let entry = SchemaNode(location: reference, referring: true)
        allNodes.append(entry)
        pendingReferences.append((entry, reference, ""))
        try resolveReferences()
        return entry
    }

    /// A node standing for `reference`, written at `location`, linked once references are resolved.
    mutating func referringNode(_ reference: String, at location: String) -> SchemaNode {
        let node = SchemaNode(location: location, referring: true)
        allNodes.append(node)
        pendingReferences.append((node, reference, currentDocument))
        return node
    }

    mutating func resolveReferences() throws(SchemaError) {
        while let pending = pendingReferences.popLast() {
            let (document, tokens) = try target(
                of: pending.reference,
                from: pending.document,
                at: pending.node.location
            )
            let location = Self.location(tokens, in: document)
            let target: SchemaNode
            if let known = nodesByLocation[location] {
                target = known
            } else {
                guard let root = documents[document] else {
                    throw SchemaError(
                        code: .unresolvableRef,
                        message: "$ref '\(pending.reference)' at \(pending.node.location) needs the document "
                            + "'\(document)', which is not loaded"
                    )
                }
                guard let value = JSONPointer.resolve(tokens: tokens, in: root) else {
                    let inside = allowsOtherDocuments ? "'\(document)'" : "the schema"
                    throw SchemaError(
                        code: .unresolvableRef,
                        message: "$ref '\(pending.reference)' at \(pending.node.location) names nothing in \(inside)"
                    )
                }
                currentDocument = document
                target = try compile(value, at: tokens)
            }
            pending.node.reference = NodeLink(target)
        }
        // Point every reference at the end of its chain; a chain that comes back on itself never validates.
        for node in allNodes where node.hasReference {
            var current = node
            var steps = 0
            while current.hasReference, let next = current.reference {
                current = next.withNode { $0 }
                steps += 1
                if steps > allNodes.count {
                    throw SchemaError(
                        code: .refCycle,
                        message: "$ref at \(node.location) leads to a cycle of references that never reaches a schema"
                    )
                }
            }
            node.reference = NodeLink(current)
        }
    }

    /// The document and pointer tokens a reference names, resolved against the document it is written in.
    private func target(of reference: String, from base: String, at location: String) throws(SchemaError)
        -> (document: String, tokens: [String])
    {
        let hash = reference.firstIndex(of: "#") ?? reference.endIndex
        let documentPart = String(reference[..<hash])
        if !allowsOtherDocuments && !documentPart.isEmpty {
            throw SchemaError(
                code: .unsupportedRef,
                message: "$ref '\(reference)' at \(location) points outside this document; only local references "
                    + "('#/...') are supported"
            )
        }
        let fragment = hash == reference.endIndex ? "" : String(reference[reference.index(after: hash)...])
        guard let decoded = SchemaDocuments.percentDecoded(fragment), let tokens = JSONPointer.tokens(decoded) else {
            let example = dialect == .openAPI30 ? "'#/components/schemas/Name'" : "'#/definitions/name'"
            throw SchemaError(
                code: .unsupportedRef,
                message: "$ref '\(reference)' at \(location) is not a JSON pointer (\(example))"
            )
        }
        let document = documentPart.isEmpty ? base : SchemaDocuments.resolve(documentPart, against: base).document
        return (document, tokens)
    }
}
