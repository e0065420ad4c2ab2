// The perf3gpp domain of VES 7.2.1: a 3GPP PM measurement collection (TS 28.550) carried in an event. Where an
// identifier or a result may be an integer or a string, the spec gives one small record per form and a oneOf.

extension VES721Datatypes {
    static let perf3gpp: [VESDatatype] = [
        .closedRecord(
            "perf3gppFields",
            [
                .optional("eventAddlFields", hashMap),
                .required("measDataCollection", .datatype("measDataCollection")),
                // The spec's version list has only 1.0; the file also accepts 1.0.1.
                version("perf3gppFieldsVersion", "1.0", "1.0.1"),
            ]
        ),
        .closedRecord(
            "measDataCollection",
            [
                .optional("formatVersion", .string),
                // The spec types the period as a string; the file as a number of seconds.
                .required("granularityPeriod", .number),
                .required("measInfoList", .list(of: .datatype("measInfo"))),
                .optional("measObjInstIdList", .list(of: .string)),
                .required("measuredEntityDn", .string),
                .optional("measuredEntitySoftwareVersion", .string),
                .optional("measuredEntityUserName", .string),
            ]
        ),
        .closedRecord(
            "measInfo",
            [
                .optional("jobId", .string),
                .optional("measInfoId", .either([.datatype("measInfoIdInteger"), .datatype("measInfoIdString")])),
                .required("measTypes", .either([.datatype("measTypesInteger"), .datatype("measTypesString")])),
                // The spec names this row "measValues"; the file has "measValuesList".
                .required("measValuesList", .list(of: .datatype("measValues"))),
            ]
        ),
        .closedRecord("measInfoIdInteger", [.required("iMeasInfoId", .integer)]),
        // The spec types the string identifier as integer; the file (and the datatype's name) say string.
        .closedRecord("measInfoIdString", [.required("sMeasInfoId", .string)]),
        measResult("measResultInteger", .required("iValue", .integer)),
        measResult("measResultNull", .required("isNull", trueOrFalse)),
        measResult("measResultNumber", .required("rValue", .number)),
        measResult("measResultString", .required("sValue", .string)),
        .closedRecord("measTypesInteger", [.required("iMeasTypesList", .list(of: .integer))]),
        .closedRecord("measTypesString", [.required("sMeasTypesList", .list(of: .string))]),
        .closedRecord(
            "measValues",
            [
                .optional("measObjAddlFlds", hashMap),
                // The spec's type column says measDataCollection; its text and the file say a string (a DN).
                .required("measObjInstId", .string),
                .required(
                    "measResults",
                    .list(
                        of: .either([
                            .datatype("measResultInteger"), .datatype("measResultNull"),
                            .datatype("measResultNumber"), .datatype("measResultString"),
                        ])
                    )
                ),
                .optional("suspectFlag", trueOrFalse),
            ]
        ),
    ]

    /// One measurement result: the counter's position `p` in measTypes and its value in one of four forms.
    static func measResult(_ name: String, _ value: VESField) -> VESDatatype {
        .closedRecord(name, [.required("p", .integer), value])
    }
}
