/// References in strings and the selections that use them.
extension TemplateCompiler {
    /// The scalar of a helper tag, as a template.
    func scalarTemplate(_ node: MappingNode, scope: Scope, tag: MappingTag) throws(MappingError) -> TextTemplate {
        guard case .scalar(_, let text) = node.content else {
            throw failure(
                .badTemplate,
                node,
                "\(tag.rawValue) under '\(scope.key)' takes a scalar, not \(node.kindName)"
            )
        }
        return try template(text, node: node, scope: scope)
    }

    /// Parses `{ref.attribute}` references as Python's `str.format` reads them (`{{` and `}}` stand for braces),
    /// and checks each one is known and in scope.
    func template(_ text: String, node: MappingNode, scope: Scope) throws(MappingError) -> TextTemplate {
        var parts: [TextTemplate.Part] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "}" {
                guard next < text.endIndex, text[next] == "}" else {
                    throw failure(
                        .badTemplate,
                        node,
                        "'\(text)' under '\(scope.key)' has a single '}'; write '}}' for a brace"
                    )
                }
                literal.append("}")
                index = text.index(after: next)
                continue
            }
            guard character == "{" else {
                literal.append(character)
                index = next
                continue
            }
            if next < text.endIndex, text[next] == "{" {
                literal.append("{")
                index = text.index(after: next)
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else {
                throw failure(.badTemplate, node, "'\(text)' under '\(scope.key)' opens a '{' it does not close")
            }
            if !literal.isEmpty {
                parts.append(.literal(literal))
                literal = ""
            }
            parts.append(.reference(try reference(String(text[next..<close]), node: node, scope: scope)))
            index = text.index(after: close)
        }
        if !literal.isEmpty || parts.isEmpty { parts.append(.literal(literal)) }
        return TextTemplate(parts: parts)
    }

    private func reference(_ name: String, node: MappingNode, scope: Scope) throws(MappingError) -> Reference {
        let pieces = name.split(separator: ".", omittingEmptySubsequences: false)
        let known =
            "{system.hostname}, {system.id}, {system.time}, {system.date}, {config.interval}, {vl.FIELD} or {n.FIELD}"
        guard pieces.count == 2 else {
            throw failure(
                .badTemplate,
                node,
                "'{\(name)}' under '\(scope.key)' is not a reference; references are \(known)"
            )
        }
        let attribute = String(pieces[1])
        switch pieces[0] {
        case "system":
            switch attribute {
            case "hostname": return .hostname
            case "id": return .eventId
            case "time": return .systemTime
            case "date": return .systemDate
            default: break
            }
        case "config":
            if attribute == "interval" { return .configInterval }
        case "vl":
            guard let field = MetricField(rawValue: attribute) else {
                throw failure(
                    .badTemplate,
                    node,
                    "'{vl.\(attribute)}' under '\(scope.key)': a value has "
                        + MetricField.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
            switch scope.source {
            case .metric(let allowed):
                if let allowed, !allowed.contains(field) {
                    throw failure(
                        .badTemplate,
                        node,
                        "'{vl.\(attribute)}' under '\(scope.key)': an item made by INDEX-KEY knows only "
                            + allowed.map(\.rawValue).joined(separator: ", ")
                    )
                }
                return .metric(field)
            case .none, .notification:
                throw failure(
                    .badTemplate,
                    node,
                    "'{vl.\(attribute)}' under '\(scope.key)' is outside any !Measurements, !ArrayItem or !ValueItem, "
                        + "so no value is in scope"
                )
            }
        case "n":
            guard let field = NotificationField(rawValue: attribute) else {
                throw failure(
                    .badTemplate,
                    node,
                    "'{n.\(attribute)}' under '\(scope.key)': a notification has \(NotificationField.list)"
                )
            }
            guard case .notification = scope.source else {
                throw failure(
                    .badTemplate,
                    node,
                    "'{n.\(attribute)}' under '\(scope.key)' is outside an !Events template, so no notification is "
                        + "in scope"
                )
            }
            return .notification(field)
        default:
            break
        }
        throw failure(
            .badTemplate,
            node,
            "'{\(name)}' under '\(scope.key)' is not a known reference; references are \(known)"
        )
    }

    /// A SELECT map; its string values may refer to the value in the enclosing scope.
    func metricSelection(_ node: MappingNode, scope: Scope) throws(MappingError) -> MetricSelection {
        guard case .mapping(let members) = node.content else {
            throw failure(.badSelect, node, "SELECT under '\(scope.key)' must be a mapping of value fields to values")
        }
        var criteria: [(field: MetricField, match: FieldMatch)] = []
        for member in members {
            guard let field = MetricField(rawValue: member.key), MetricField.identity.contains(field) else {
                throw failure(
                    .badSelect,
                    member.value,
                    "SELECT under '\(scope.key)' has the key '\(member.key)'; SELECT keys are "
                        + MetricField.identityList
                )
            }
            criteria.append((field, try match(member, scope: scope, what: "SELECT under '\(scope.key)'")))
        }
        return MetricSelection(criteria: criteria)
    }

    /// An !Events CONDITION: notification fields to constant values or patterns.
    func notificationCondition(_ node: MappingNode) throws(MappingError) -> [(
        field: NotificationField, match: FieldMatch
    )] {
        guard case .mapping(let members) = node.content else {
            throw failure(.badSelect, node, "CONDITION must be a mapping of notification fields to values")
        }
        let scope = Scope(source: .none, allowsItems: false, key: "CONDITION")
        var criteria: [(field: NotificationField, match: FieldMatch)] = []
        for member in members {
            guard let field = NotificationField(rawValue: member.key), field != .time else {
                throw failure(
                    .badSelect,
                    member.value,
                    "CONDITION has the key '\(member.key)'; CONDITION keys are "
                        + NotificationField.allCases.filter { $0 != .time }.map(\.rawValue).joined(separator: ", ")
                )
            }
            criteria.append((field, try match(member, scope: scope, what: "CONDITION")))
        }
        return criteria
    }

    /// One key's value: `/regex/` (compiled now, so a bad one fails at load) or a string, numbers by their text.
    private func match(_ member: MappingMember, scope: Scope, what: String) throws(MappingError) -> FieldMatch {
        guard case .scalar(_, let text) = member.value.content, member.value.tag == nil else {
            throw failure(
                .badSelect,
                member.value,
                "\(what): '\(member.key)' must be a string or a /regular expression/, not "
                    + (member.value.tag?.rawValue ?? member.value.kindName)
            )
        }
        if text.count > 1, text.hasPrefix("/"), text.hasSuffix("/") {
            let pattern = String(text.dropFirst().dropLast())
            do {
                _ = try Regex(pattern)
            } catch {
                throw failure(
                    .badSelect,
                    member.value,
                    "\(what): the regular expression \(text) for '\(member.key)' does not compile: \(error)"
                )
            }
            return .pattern(pattern)
        }
        var inner = scope
        inner.key = member.key
        return .equal(try template(text, node: member.value, scope: inner))
    }
}
