extension TypesDB {
    /// The types this project meets, for hosts without collectd installed: what collectd's cpu, memory, interface,
    /// load, disk, df, swap, processes, virt, ping, aggregation and threshold plugins emit, plus the generic
    /// `gauge`/`derive`/`counter`/`absolute`. Definitions agree with collectd 5.12's types.db (a test checks it).
    public static let builtIn: TypesDB = {
        var types: [String: [DataSource]] = [:]
        func add(_ name: String, _ sources: [(String, DataSourceType, Double?, Double?)]) {
            types[name] = sources.map { DataSource(name: $0.0, type: $0.1, min: $0.2, max: $0.3) }
        }
        func single(_ name: String, _ type: DataSourceType, _ min: Double?, _ max: Double?) {
            add(name, [("value", type, min, max)])
        }
        func pair(_ name: String, _ first: String, _ second: String, _ type: DataSourceType, _ max: Double?) {
            add(name, [(first, type, 0, max), (second, type, 0, max)])
        }
        let int63 = 9_223_372_036_854_775_807.0

        // Generic types.
        single("gauge", .gauge, nil, nil)
        single("derive", .derive, 0, nil)
        single("counter", .counter, nil, nil)
        single("absolute", .absolute, 0, nil)
        single("count", .gauge, 0, nil)
        single("bytes", .gauge, 0, nil)
        single("percent", .gauge, 0, 100.1)
        single("frequency", .gauge, 0, nil)
        single("temperature", .gauge, nil, nil)
        single("operations", .derive, 0, nil)
        single("pending_operations", .gauge, 0, nil)
        single("latency", .gauge, 0, nil)

        // cpu, aggregation, cpufreq, irq, contextswitch, entropy, uptime, users.
        single("cpu", .derive, 0, nil)
        single("cpufreq", .gauge, 0, nil)
        single("irq", .derive, 0, nil)
        single("contextswitch", .derive, 0, nil)
        single("entropy", .gauge, 0, 4_294_967_295)
        single("uptime", .gauge, 0, 4_294_967_295)
        single("users", .gauge, 0, 65535)

        // memory, swap, vmem.
        single("memory", .gauge, 0, 281_474_976_710_656)
        single("swap", .gauge, 0, 1_099_511_627_776)
        single("swap_io", .derive, 0, nil)
        single("vmpage_number", .gauge, 0, 4_294_967_295)
        single("vmpage_action", .derive, 0, nil)
        pair("vmpage_faults", "minflt", "majflt", .derive, nil)
        pair("vmpage_io", "in", "out", .derive, nil)

        // load.
        add("load", [("shortterm", .gauge, 0, 5000), ("midterm", .gauge, 0, 5000), ("longterm", .gauge, 0, 5000)])

        // interface (and virt's interfaces).
        pair("if_octets", "rx", "tx", .derive, nil)
        pair("if_packets", "rx", "tx", .derive, nil)
        pair("if_errors", "rx", "tx", .derive, nil)
        pair("if_dropped", "rx", "tx", .derive, nil)
        single("if_multicast", .derive, 0, nil)
        single("if_collisions", .derive, 0, nil)
        for direction in ["rx", "tx"] {
            for counter in ["octets", "packets", "errors", "dropped"] {
                single("if_\(direction)_\(counter)", .derive, 0, nil)
            }
        }

        // disk (and virt's disks).
        pair("disk_octets", "read", "write", .derive, nil)
        pair("disk_ops", "read", "write", .derive, nil)
        pair("disk_time", "read", "write", .derive, nil)
        pair("disk_merged", "read", "write", .derive, nil)
        add("disk_io_time", [("io_time", .derive, 0, nil), ("weighted_io_time", .derive, 0, nil)])
        pair("disk_latency", "read", "write", .gauge, nil)
        single("disk_ops_complex", .derive, 0, nil)
        single("disk_error", .gauge, 0, nil)
        single("disk_allocation", .gauge, 0, nil)
        single("disk_capacity", .gauge, 0, nil)
        single("disk_physical", .gauge, 0, nil)

        // df.
        single("df_complex", .gauge, 0, nil)
        single("df_inodes", .gauge, 0, nil)
        single("percent_bytes", .gauge, 0, 100.1)
        single("percent_inodes", .gauge, 0, 100.1)
        add("df", [("used", .gauge, 0, 1_125_899_906_842_623), ("free", .gauge, 0, 1_125_899_906_842_623)])

        // processes.
        single("ps_state", .gauge, 0, 65535)
        add("ps_count", [("processes", .gauge, 0, 1_000_000), ("threads", .gauge, 0, 1_000_000)])
        pair("ps_cputime", "user", "syst", .derive, nil)
        pair("ps_disk_octets", "read", "write", .derive, nil)
        pair("ps_disk_ops", "read", "write", .derive, nil)
        pair("ps_pagefaults", "minflt", "majflt", .derive, nil)
        for name in ["ps_code", "ps_data", "ps_rss", "ps_stacksize", "ps_vm"] {
            single(name, .gauge, 0, int63)
        }
        single("fork_rate", .derive, 0, nil)
        single("threads", .gauge, 0, nil)

        // virt.
        single("virt_cpu_total", .derive, 0, nil)
        single("virt_vcpu", .derive, 0, nil)
        single("vcpu", .gauge, 0, nil)
        single("cpu_affinity", .gauge, 0, 1)
        add("domain_state", [("state", .gauge, 0, nil), ("reason", .gauge, 0, nil)])
        single("total_time_in_ms", .derive, 0, nil)
        single("total_requests", .derive, 0, nil)
        single("memory_bandwidth", .derive, 0, nil)
        single("perf", .derive, 0, nil)
        single("job_stats", .derive, 0, nil)

        // ping.
        single("ping", .gauge, 0, 65535)
        single("ping_droprate", .gauge, 0, 1)
        single("ping_stddev", .gauge, 0, 65535)

        return TypesDB(types: types)
    }()
}
