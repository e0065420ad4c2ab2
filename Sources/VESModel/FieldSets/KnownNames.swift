public import JSON

/// The member names and enumerated values of the VES field sets (1.1, 5.4.1, 7.2.1), kept once as static strings.
///
/// The parser hands out these shared strings instead of building a new one each time an event spells them,
/// so parsing a typical event allocates no strings for its keys.
public enum KnownNames {
    /// Names the reference plugin sends beyond the field set.
    static let pluginNames = ["errors", "packetsIn", "packetsOut"]

    /// The table for `JSONParser(internTable:)`.
    public static let table: InternTable = {
        var names: [String] = ["event", "eventList"] + pluginNames
        for datatype in VES11Datatypes.all + VES541Datatypes.all + VES721Datatypes.all {
            names.append(datatype.name)
            for field in datatype.fields {
                names.append(field.name)
                if case .oneOf(let values) = field.type {
                    names += values
                }
            }
        }
        return InternTable(names: names)
    }()
}
