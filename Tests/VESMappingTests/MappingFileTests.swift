import Testing
import VESMapping

@Suite("ves_app mapping files")
struct MappingFileTests {}
