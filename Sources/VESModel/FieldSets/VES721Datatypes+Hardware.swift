// The IPMI tables of the VES 7.2.1 measurement domain: one record per sensor kind, each named by an identifier.

extension VES721Datatypes {
    static let hardware: [VESDatatype] = [
        // Every reading is optional, so an empty object passes.
        .closedRecord(
            "ipmi",
            optionalNumbers(["exitAirTemperature", "frontPanelTemperature", "ioModuleTemperature"])
                + sensorArrays([
                    "ipmiBaseboardTemperature",
                    "ipmiBaseboardVoltageRegulator",
                    "ipmiBattery",
                    "ipmiFan",
                    "ipmiHsbp",
                    "ipmiGlobalAggregateTemperatureMargin",
                    "ipmiNic",
                    "ipmiPowerSupply",
                    "ipmiProcessor",
                ])
                + optionalNumbers(["systemAirflow"])
        ),
        sensor("ipmiBaseboardTemperature", "baseboardTemperatureIdentifier", optionalNumbers(["baseboardTemperature"])),
        sensor(
            "ipmiBaseboardVoltageRegulator",
            "baseboardVoltageRegulatorIdentifier",
            optionalNumbers(["voltageRegulatorTemperature"])
        ),
        sensor(
            "ipmiBattery",
            "batteryIdentifier",
            [.optional("batteryType", .string)] + optionalNumbers(["batteryVoltageLevel"])
        ),
        sensor("ipmiFan", "fanIdentifier", optionalNumbers(["fanSpeed"])),
        sensor(
            "ipmiGlobalAggregateTemperatureMargin",
            "globalAggregateTemperatureMarginIdentifier",
            // The spec makes the margin optional; the file requires it.
            [.required("globalAggregateTemperatureMargin", .number)]
        ),
        sensor("ipmiHsbp", "hsbpIdentifier", optionalNumbers(["hsbpTemperature"])),
        sensor("ipmiNic", "nicIdentifier", optionalNumbers(["nicTemperature"])),
        sensor(
            "ipmiPowerSupply",
            "powerSupplyIdentifier",
            optionalNumbers(["powerSupplyInputPower", "powerSupplyCurrentOutputPercent", "powerSupplyTemperature"])
        ),
        sensor(
            "ipmiProcessor",
            "processorIdentifier",
            optionalNumbers(["processorThermalControlPercent", "processorDtsThermalMargin"]) + [
                .optional(
                    "processorDimmAggregateThermalMarginArray",
                    .list(of: .datatype("processorDimmAggregateThermalMargin"))
                )
            ]
        ),
        sensor(
            "processorDimmAggregateThermalMargin",
            "processorDimmAggregateThermalMarginIdentifier",
            [.required("thermalMargin", .number)]
        ),
    ]

    /// A sensor table: a required identifier and its readings.
    static func sensor(_ name: String, _ identifier: String, _ readings: [VESField]) -> VESDatatype {
        .closedRecord(name, [.required(identifier, .string)] + readings)
    }

    /// The `ipmi` block holds each sensor kind as an optional `<kind>Array`.
    static func sensorArrays(_ kinds: [String]) -> [VESField] {
        kinds.map { .optional($0 + "Array", .list(of: .datatype($0))) }
    }
}
