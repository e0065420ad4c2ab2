import JSON

/// Turns a mapping file's nodes into templates and expressions, checking everything that can be checked before
/// the first value arrives: tags, the keys each tag takes, references and their scopes, SELECT keys and regular
/// expressions, INDEX-KEY use, constant numbers, and the event headers of the targeted VES version.
///
/// ves_app checked none of this until a timer tick or a notification met the broken place (and then lost the
/// tick's events to an assertion); here each problem is a `MappingError` naming the file, line and tag or key.
struct TemplateCompiler {
    /// Where a node sits, as far as compiling it cares.
    struct Scope {
        enum Source {
            /// No value is in scope (a top-level SELECT, a CONDITION, an anchor-only entry).
            case none
            /// A cached value; with INDEX-KEY only those fields are known.
            case metric(allowed: [MetricField]?)
            case notification
        }

        var source: Source
        /// `!ArrayItem` and `!ValueItem` need values; inside `!Events` there are none.
        var allowsItems: Bool
        /// The key the node is the value of, for messages.
        var key: String
        /// The key of the ArrayItem whose ITEM-DESC object this is (`memoryUsageArray`), nil deeper down.
        var itemOf: String? = nil
        /// The node feeds a VES memory field in KiB (a member of a memoryUsageArray item).
        var kibibyteField = false
    }

    let path: String
    let limits: MappingLimits

    /// VES memory fields, all in KiB (5.4.1 and 7.2.1 memoryUsage).
    static let kibibyteFields: Set<String> = [
        "memoryBuffered", "memoryCached", "memoryConfigured", "memoryDemand", "memoryFree", "memoryLatencyAvg",
        "memorySharedAvg", "memorySlabRecl", "memorySlabUnrecl", "memorySwapInAvg", "memorySwapOutAvg",
        "memorySwapUsedAvg", "memoryUsed",
    ]

    // MARK: The document

    func compile(_ root: MappingNode) throws(MappingError) -> (
        measurements: [MeasurementTemplate], events: [EventTemplate]
    ) {
        guard case .mapping(let members) = root.content, root.tag == nil else {
            throw failure(
                .badTemplate,
                root,
                "the document must be a mapping of names to !Measurements and !Events templates"
            )
        }
        var measurements: [MeasurementTemplate] = []
        var events: [EventTemplate] = []
        for member in members {
            switch member.value.tag {
            case .measurements:
                measurements.append(try measurementTemplate(member))
            case .events:
                events.append(try eventTemplate(member))
            case .some(let tag):
                throw failure(
                    .badTemplate,
                    member.value,
                    "'\(member.key)' is tagged \(tag.rawValue) at the top level, where only !Measurements and !Events "
                        + "make events"
                )
            case nil:
                // An entry that only holds anchors (commonEventHeader, collectdSeverityMapping): its nodes are
                // checked where aliases use them, and for stray language tags here.
                try checkNoLanguageTags(member.value, key: member.key)
            }
            guard measurements.count + events.count <= limits.maxTemplates else {
                throw failure(.tooLarge, member.value, "more than \(limits.maxTemplates) templates")
            }
        }
        guard !(measurements.isEmpty && events.isEmpty) else {
            throw MappingError(
                code: .noTemplates,
                message: "the file defines no template: tag a top-level entry !Measurements or !Events",
                path: path,
                line: root.line
            )
        }
        return (measurements, events)
    }

    private func measurementTemplate(_ member: MappingMember) throws(MappingError) -> MeasurementTemplate {
        try checkEventShape(member)
        let scope = Scope(source: .none, allowsItems: true, key: member.key)
        let items = try arrayItem(member.value, scope: scope, tag: .measurements)
        return MeasurementTemplate(name: member.key, items: items)
    }

    private func eventTemplate(_ member: MappingMember) throws(MappingError) -> EventTemplate {
        try checkEventShape(member)
        let node = member.value
        var itemNode: MappingNode?
        var conditionNode: MappingNode?
        for entry in try entries(node, tag: .events) {
            switch entry.key {
            case "ITEM-DESC":
                guard itemNode == nil else { throw failure(.badTemplate, entry.value, "!Events takes one ITEM-DESC") }
                itemNode = entry.value
            case "CONDITION":
                guard conditionNode == nil else {
                    throw failure(.badTemplate, entry.value, "!Events takes one CONDITION")
                }
                conditionNode = entry.value
            default:
                throw failure(
                    .badTemplate,
                    entry.value,
                    "!Events '\(member.key)' has the key '\(entry.key)'; it takes ITEM-DESC and CONDITION"
                )
            }
        }
        guard let itemNode else {
            throw failure(.badTemplate, node, "!Events '\(member.key)' has no ITEM-DESC: the event it sends")
        }
        let scope = Scope(source: .notification, allowsItems: false, key: "ITEM-DESC")
        var condition: [(field: NotificationField, match: FieldMatch)] = []
        if let conditionNode {
            condition = try notificationCondition(conditionNode)
        }
        return EventTemplate(name: member.key, condition: condition, item: try expression(itemNode, scope: scope))
    }

    /// A template's ITEM-DESC must be `event: {commonEventHeader: {domain: ..., ...}, ...}`: the body ves_app
    /// posted. Checked on the nodes so the message can point at the line.
    private func checkEventShape(_ member: MappingMember) throws(MappingError) {
        let tag = member.value.tag?.rawValue ?? ""
        guard case .sequence(let elements) = member.value.content else {
            throw failure(
                .badTemplate,
                member.value,
                "\(tag) '\(member.key)' must be a sequence of ITEM-DESC, SELECT, ... entries"
            )
        }
        for element in elements {
            guard case .mapping(let entries) = element.content else { continue }
            for entry in entries where entry.key == "ITEM-DESC" {
                guard case .mapping(let body) = entry.value.content, body.count == 1, body[0].key == "event",
                    case .mapping(let event) = body[0].value.content
                else {
                    throw failure(
                        .badTemplate,
                        entry.value,
                        "the ITEM-DESC of \(tag) '\(member.key)' must hold exactly one key, 'event', a mapping: the "
                            + "body that is posted"
                    )
                }
                guard let header = event.first(where: { $0.key == "commonEventHeader" }),
                    case .mapping(let headerMembers) = header.value.content
                else {
                    throw failure(
                        .badTemplate,
                        body[0].value,
                        "the event of \(tag) '\(member.key)' has no commonEventHeader mapping"
                    )
                }
                guard let domain = headerMembers.first(where: { $0.key == "domain" }),
                    case .scalar(.string, _) = domain.value.content, domain.value.tag == nil
                else {
                    throw failure(
                        .badTemplate,
                        header.value,
                        "the commonEventHeader of \(tag) '\(member.key)' needs a constant domain "
                            + "(measurementsForVfScaling, measurement, fault, ...)"
                    )
                }
            }
        }
    }

    /// An anchor-only entry may hold YAML of any shape, but not the language's tags: outside a template they
    /// would be silently ignored.
    private func checkNoLanguageTags(_ node: MappingNode, key: String) throws(MappingError) {
        if let tag = node.tag {
            throw failure(
                .badTemplate,
                node,
                "\(tag.rawValue) under '\(key)', outside any !Measurements or !Events template, would never be used"
            )
        }
        switch node.content {
        case .scalar: break
        case .sequence(let elements):
            for element in elements { try checkNoLanguageTags(element, key: key) }
        case .mapping(let members):
            for member in members { try checkNoLanguageTags(member.value, key: member.key) }
        }
    }

    // MARK: Values

    func expression(_ node: MappingNode, scope: Scope) throws(MappingError) -> Expression {
        switch node.tag {
        case nil:
            return try untagged(node, scope: scope)
        case .number:
            let template = try scalarTemplate(node, scope: scope, tag: .number)
            if let constant = template.constant {
                guard let number = ValueFormatting.number(fromText: constant) else {
                    throw failure(.badNumber, node, "!Number '\(constant)' under '\(scope.key)' is not a number")
                }
                return .constant(number)
            }
            let converts = scope.kibibyteField && template.soleReference == .metric(.value)
            return .number(template, converts ? .kibibytesWhenCollectdBytes : .asWritten)
        case .bytes2Kibibytes:
            let template = try scalarTemplate(node, scope: scope, tag: .bytes2Kibibytes)
            if let constant = template.constant {
                guard case .some(let number) = ValueFormatting.number(fromText: constant),
                    let bytes = number.doubleValue
                else {
                    throw failure(
                        .badNumber,
                        node,
                        "!Bytes2Kibibytes '\(constant)' under '\(scope.key)' is not a number"
                    )
                }
                return .constant(.number(ValueFormatting.kibibytes(bytes)))
            }
            return .kibibytes(template)
        case .stripExtraDash:
            let template = try scalarTemplate(node, scope: scope, tag: .stripExtraDash)
            if let constant = template.constant {
                return .constant(.string(ValueFormatting.stripExtraDashes(constant)))
            }
            return .stripDashes(template)
        case .mapValue:
            return try mapValue(node, scope: scope)
        case .valueItem:
            guard scope.allowsItems else { throw itemsNotAllowed(node, tag: .valueItem, scope: scope) }
            return .valueItem(try valueItem(node, scope: scope))
        case .arrayItem:
            guard scope.allowsItems else { throw itemsNotAllowed(node, tag: .arrayItem, scope: scope) }
            return .arrayItem(try arrayItem(node, scope: scope, tag: .arrayItem))
        case .measurements, .events:
            throw failure(
                .badTemplate,
                node,
                "\(node.tag?.rawValue ?? "") under '\(scope.key)': templates are top-level entries only"
            )
        }
    }

    private func untagged(_ node: MappingNode, scope: Scope) throws(MappingError) -> Expression {
        switch node.content {
        case .scalar(let scalar, let text):
            switch scalar {
            case .string:
                let template = try self.template(text, node: node, scope: scope)
                if let constant = template.constant { return .constant(.string(constant)) }
                return .text(template)
            case .integer(let value): return .constant(.integer(value))
            case .number(let value): return .constant(.number(value))
            case .bool(let value): return .constant(.bool(value))
            case .null: return .constant(.null)
            }
        case .sequence(let elements):
            var values: [Expression] = []
            var inner = scope
            inner.itemOf = nil
            inner.kibibyteField = false
            for element in elements { values.append(try expression(element, scope: inner)) }
            let constants = values.compactMap(\.constantValue)
            return constants.count == values.count ? .constant(.array(constants)) : .array(values)
        case .mapping(let members):
            return try object(members, scope: scope)
        }
    }

    private func object(_ members: [MappingMember], scope: Scope) throws(MappingError) -> Expression {
        var compiled: [(key: String, value: Expression)] = []
        for member in members {
            var inner = scope
            inner.key = member.key
            inner.itemOf = nil
            inner.kibibyteField = scope.itemOf == "memoryUsageArray" && Self.kibibyteFields.contains(member.key)
            compiled.append((member.key, try expression(member.value, scope: inner)))
        }
        let constants = compiled.compactMap { member in member.value.constantValue.map { (member.key, $0) } }
        if constants.count == compiled.count { return .constant(.object(JSONObject(constants))) }
        var result = ObjectExpression(members: compiled)
        if scope.itemOf == "cpuUsageArray", compiled.contains(where: { $0.key == "cpuIdle" }),
            let usage = compiled.first(where: { $0.key == "percentUsage" })?.value.constantValue,
            usage.doubleValue == 0
        {
            result.percentUsageFromIdle = true
        }
        return .object(result)
    }

    private func mapValue(_ node: MappingNode, scope: Scope) throws(MappingError) -> Expression {
        guard case .mapping(let members) = node.content else {
            throw failure(.badTemplate, node, "!MapValue under '\(scope.key)' must be a mapping with VALUE and TO")
        }
        var value: TextTemplate?
        var table: [(key: String, value: JSONValue)]?
        for member in members {
            switch member.key {
            case "VALUE":
                guard case .scalar(_, let text) = member.value.content else {
                    throw failure(
                        .badTemplate,
                        member.value,
                        "the VALUE of !MapValue under '\(scope.key)' must be a scalar"
                    )
                }
                value = try template(text, node: member.value, scope: scope)
            case "TO":
                guard case .mapping(let entries) = member.value.content else {
                    throw failure(
                        .badTemplate,
                        member.value,
                        "the TO of !MapValue under '\(scope.key)' must be a mapping"
                    )
                }
                var rows: [(key: String, value: JSONValue)] = []
                for entry in entries {
                    var inner = scope
                    inner.key = entry.key
                    guard let constant = try expression(entry.value, scope: inner).constantValue else {
                        throw failure(
                            .badTemplate,
                            entry.value,
                            "the TO value for '\(entry.key)' of !MapValue must be a constant, not a reference"
                        )
                    }
                    rows.append((entry.key, constant))
                }
                table = rows
            default:
                throw failure(
                    .badTemplate,
                    member.value,
                    "!MapValue under '\(scope.key)' has the key '\(member.key)'; it takes VALUE and TO"
                )
            }
        }
        guard let value, let table else {
            throw failure(.badTemplate, node, "!MapValue under '\(scope.key)' needs both VALUE and TO")
        }
        if value.soleReference == .notification(.severity) {
            for severity in ["FAILURE", "WARNING", "OKAY"]
            where ValueFormatting.severityRow(severity, in: table.map(\.key)) == nil {
                throw failure(
                    .badTemplate,
                    node,
                    "!MapValue under '\(scope.key)' maps {n.severity} but has no row for NOTIF_\(severity); a "
                        + "notification of that severity would have no \(scope.key)"
                )
            }
        }
        return .mapValue(MapValueExpression(value: value, table: table, line: node.line))
    }

    // MARK: Items

    private func valueItem(_ node: MappingNode, scope: Scope) throws(MappingError) -> ValueItemExpression {
        var selections: [MetricSelection] = []
        var valueNode: MappingNode?
        var fallback: Expression?
        for entry in try entries(node, tag: .valueItem) {
            switch entry.key {
            case "SELECT":
                selections.append(try metricSelection(entry.value, scope: scope))
            case "VALUE":
                guard valueNode == nil else { throw failure(.badTemplate, entry.value, "!ValueItem takes one VALUE") }
                valueNode = entry.value
            case "DEFAULT":
                guard fallback == nil else { throw failure(.badTemplate, entry.value, "!ValueItem takes one DEFAULT") }
                fallback = try expression(entry.value, scope: scope)
            default:
                throw failure(
                    .badTemplate,
                    entry.value,
                    "!ValueItem under '\(scope.key)' has the key '\(entry.key)'; it takes SELECT, VALUE and DEFAULT"
                )
            }
        }
        guard !selections.isEmpty else {
            throw failure(.badTemplate, node, "!ValueItem under '\(scope.key)' has no SELECT: which value to read")
        }
        var inner = scope
        inner.source = .metric(allowed: nil)
        let value: Expression
        if let valueNode {
            value = try expression(valueNode, scope: inner)
        } else {
            // The guide's default VALUE: !Number "{vl.value}".
            let unit: NumberUnit = scope.kibibyteField ? .kibibytesWhenCollectdBytes : .asWritten
            value = .number(TextTemplate(parts: [.reference(.metric(.value))]), unit)
        }
        return ValueItemExpression(
            selections: selections,
            value: value,
            fallback: fallback,
            key: scope.key,
            line: node.line
        )
    }

    func arrayItem(_ node: MappingNode, scope: Scope, tag: MappingTag) throws(MappingError) -> ArrayItemExpression {
        var selections: [MetricSelection] = []
        var indexKeys: [MetricField]?
        var itemNode: MappingNode?
        for entry in try entries(node, tag: tag) {
            switch entry.key {
            case "SELECT":
                selections.append(try metricSelection(entry.value, scope: scope))
            case "INDEX-KEY":
                guard indexKeys == nil else {
                    throw failure(.badTemplate, entry.value, "\(tag.rawValue) takes one INDEX-KEY")
                }
                indexKeys = try self.indexKeys(entry.value)
            case "ITEM-DESC":
                guard itemNode == nil else {
                    throw failure(.badTemplate, entry.value, "\(tag.rawValue) takes one ITEM-DESC")
                }
                itemNode = entry.value
            default:
                throw failure(
                    .badTemplate,
                    entry.value,
                    "\(tag.rawValue) under '\(scope.key)' has the key '\(entry.key)'; it takes SELECT, INDEX-KEY and "
                        + "ITEM-DESC"
                )
            }
        }
        guard let itemNode else {
            throw failure(
                .badTemplate,
                node,
                "\(tag.rawValue) under '\(scope.key)' has no ITEM-DESC: what each item is"
            )
        }
        guard !selections.isEmpty || indexKeys != nil else {
            throw failure(.badTemplate, node, "\(tag.rawValue) under '\(scope.key)' needs a SELECT or an INDEX-KEY")
        }
        guard case .mapping = itemNode.content else {
            throw failure(
                .badTemplate,
                itemNode,
                "the ITEM-DESC of \(tag.rawValue) under '\(scope.key)' must be a mapping"
            )
        }
        var inner = scope
        inner.source = .metric(allowed: indexKeys)
        inner.itemOf = scope.key
        inner.kibibyteField = false
        return ArrayItemExpression(
            selections: selections,
            indexKeys: indexKeys ?? [],
            item: try expression(itemNode, scope: inner),
            key: scope.key,
            line: node.line
        )
    }

    private func indexKeys(_ node: MappingNode) throws(MappingError) -> [MetricField] {
        guard case .sequence(let elements) = node.content, !elements.isEmpty else {
            throw failure(.badTemplate, node, "INDEX-KEY must be a list of value fields (\(MetricField.identityList))")
        }
        var fields: [MetricField] = []
        for element in elements {
            guard case .scalar(_, let text) = element.content, let field = MetricField(rawValue: text),
                MetricField.identity.contains(field)
            else {
                throw failure(
                    .badSelect,
                    element,
                    "INDEX-KEY names '\(element.scalarText ?? element.kindName)', which is not one of "
                        + MetricField.identityList
                )
            }
            guard !fields.contains(field) else { throw failure(.badSelect, element, "INDEX-KEY names '\(text)' twice") }
            fields.append(field)
        }
        return fields
    }

    /// The entries of an item tag: a sequence of mappings whose keys together are its keys.
    private func entries(_ node: MappingNode, tag: MappingTag) throws(MappingError) -> [MappingMember] {
        guard case .sequence(let elements) = node.content else {
            throw failure(
                .badTemplate,
                node,
                "\(tag.rawValue) must be a sequence of '- KEY: ...' entries, not \(node.kindName)"
            )
        }
        var entries: [MappingMember] = []
        for element in elements {
            guard case .mapping(let members) = element.content else {
                throw failure(
                    .badTemplate,
                    element,
                    "each entry of \(tag.rawValue) must be a mapping such as '- SELECT: ...'"
                )
            }
            entries += members
        }
        return entries
    }

    private func itemsNotAllowed(_ node: MappingNode, tag: MappingTag, scope: Scope) -> MappingError {
        failure(
            .badTemplate,
            node,
            "\(tag.rawValue) under '\(scope.key)' reads cached values, which an !Events template has none of; "
                + "use {n.*} references and helper tags there"
        )
    }

    func failure(_ code: MappingError.Code, _ node: MappingNode, _ message: String) -> MappingError {
        MappingError(code: code, message: message, path: path, line: node.line, column: node.column)
    }
}

extension MappingNode {
    /// The text of a scalar, nil for collections.
    var scalarText: String? {
        guard case .scalar(_, let text) = content else { return nil }
        return text
    }
}
