import Foundation
import TestSupport
import Testing
import VESAgent

@Suite("Agent configuration")
struct ConfigurationTests {
    @Test("defaults are the plugins") func defaultsAreThePlugins() throws {
        let configuration = try AgentConfiguration.load()
        #expect(configuration.domain == "127.0.0.1")
        #expect(configuration.port == 30000)
        #expect(configuration.path == "" && configuration.topic == "")
        #expect(configuration.username == "" && configuration.password == "")
        #expect(configuration.useHttps == false)
        #expect(configuration.sendEventInterval == 20)
        #expect(configuration.functionalRole == "Collectd VES Agent")
        #expect(configuration.guestRunning == false)
        #expect(configuration.listenHost == "127.0.0.1" && configuration.listenPort == 25826)
        #expect(configuration.clock == .wall)
        #expect(configuration.eventListenerURL == "http://127.0.0.1:30000/eventListener/v1")
    }

    @Test("flags override environment which overrides the file") func flagsOverrideEnvironmentWhichOverridesTheFile()
        throws
    {
        let path = try TemporaryFile.write(
            """
            # as in collectd.conf
            <Plugin ves_plugin>
              Domain "file.example"
              Port 8080
              SendEventInterval 30
              Topic "from-file"
              GuestRunning true
            </Plugin>
            """
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try AgentConfiguration.load(
            flags: ["Port": "9090"],
            environment: ["VES_PORT": "7070", "VES_SEND_EVENT_INTERVAL": "5", "VES_DOMAIN": "env.example"],
            file: path
        )
        #expect(configuration.port == 9090, "flag beats environment")
        #expect(configuration.domain == "env.example", "environment beats file")
        #expect(configuration.sendEventInterval == 5)
        #expect(configuration.topic == "from-file", "file beats default")
        #expect(configuration.guestRunning == true)
    }

    @Test("every key has a flag and an environment variable") func everyKeyHasAFlagAndAnEnvironmentVariable() {
        let names = Dictionary(
            uniqueKeysWithValues: AgentConfigurationKey.all.map { ($0.name, ($0.flag, $0.environmentVariable)) }
        )
        #expect(names["SendEventInterval"]! == ("--send-event-interval", "VES_SEND_EVENT_INTERVAL"))
        #expect(names["GuestRunning"]! == ("--guest-running", "VES_GUEST_RUNNING"))
        #expect(names["UseHttps"]! == ("--use-https", "VES_USE_HTTPS"))
        #expect(names["CACertificate"]! == ("--ca-certificate", "VES_CA_CERTIFICATE"))
        #expect(names["TypesDB"]! == ("--types-db", "VES_TYPES_DB"))
        for key in [
            "Hostname", "Listen", "SecurityLevel", "AuthFile", "Clock", "BatchSize", "QueueSize",
            "SpoolDirectory", "VerifyPeer", "Timeout",
        ] {
            #expect(names[key] != nil, "\(key)")
        }
    }

    @Test("environment sets every kind of value") func environmentSetsEveryKindOfValue() throws {
        let configuration = try AgentConfiguration.load(environment: [
            "VES_GUEST_RUNNING": "true", "VES_USE_HTTPS": "yes", "VES_LISTEN": "0.0.0.0:0", "VES_CLOCK": "trace",
            "VES_BATCH_SIZE": "10", "VES_PATH": "/vendor/", "VES_TOPIC": "/events/", "VES_HOSTNAME": "node-7",
        ])
        #expect(configuration.guestRunning && configuration.useHttps)
        #expect(configuration.listenHost == "0.0.0.0" && configuration.listenPort == 0)
        #expect(configuration.clock == .trace && configuration.batchSize == 10 && configuration.hostname == "node-7")
        // Path and Topic are joined with single slashes
        #expect(configuration.eventListenerURL == "https://127.0.0.1:30000/vendor/eventListener/v1/events")
        #expect(configuration.eventBatchURL == "https://127.0.0.1:30000/vendor/eventListener/v1/eventBatch")
    }

    @Test("bad keys and values name the key") func badKeysAndValuesNameTheKey() throws {
        let unknown = try TemporaryFile.write("Domian \"x\"\n")
        defer { try? FileManager.default.removeItem(atPath: unknown) }
        #expect {
            try AgentConfiguration.load(file: unknown)
        } throws: { error in
            "\(error)".contains("Key 'Domian' name is invalid") && "\(error)".contains(":1")
        }
        #expect {
            try AgentConfiguration.load(environment: ["VES_SEND_EVENT_INTERVAL": "soon"])
        } throws: { error in
            "\(error)"
                == "Key 'SendEventInterval' (VES_SEND_EVENT_INTERVAL) value 'soon' should be a number of seconds from 1 to 86400"
        }
        #expect {
            try AgentConfiguration.load(flags: ["Port": "70000"])
        } throws: { error in
            "\(error)".contains("Key 'Port' (--port) value '70000'")
        }
        #expect {
            try AgentConfiguration.load(flags: ["GuestRunning": "maybe"])
        } throws: { error in
            "\(error)".contains("should be true or false")
        }
        #expect {
            try AgentConfiguration.load(flags: ["SecurityLevel": "Encrypt"])
        } throws: { error in
            "\(error)".contains("needs an AuthFile")
        }
        #expect {
            try AgentConfiguration.load(flags: ["AuthFile": "/nonexistent/auth"])
        } throws: { error in
            "\(error)".contains("Key 'AuthFile' names /nonexistent/auth, which cannot be read")
        }
    }

    @Test("rendered configuration masks the password and reads back")
    func renderedConfigurationMasksThePasswordAndReadsBack() throws {
        let configuration = try AgentConfiguration.load(flags: [
            "Password": "hunter2", "Username": "ves", "Topic": "a \"b\"",
        ])
        let text = configuration.rendered()
        #expect(!text.contains("hunter2"))
        #expect(text.contains("Password \"********\""))
        #expect(text.contains("Username \"ves\""))
        let path = try TemporaryFile.write(text.replacingOccurrences(of: "Password \"********\"\n", with: ""))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var expected = configuration
        expected.password = ""
        #expect(try AgentConfiguration.load(file: path) == expected)
    }
}
