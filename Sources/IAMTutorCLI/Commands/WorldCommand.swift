import ArgumentParser
import IAMAccount
import IAMCatalog

/// `iam-tutor world show|export`.
struct WorldCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "world", abstract: "Show a world, or export it as get-account-authorization-details JSON.",
    subcommands: [Show.self, Export.self])

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Summarize the accounts, principals, policies and resources of a world.")
    @OptionGroup var world: WorldOptions

    func run() throws {
      let catalog = try? IAMCatalog.bundled()
      Terminal.writeLine(GraphRenderer.summary(try world.load(catalog: catalog)))
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the world as get-account-authorization-details JSON (an array of documents for several accounts).")
    @OptionGroup var world: WorldOptions

    func run() throws {
      let catalog = try? IAMCatalog.bundled()
      Terminal.writeLine(WorldExport.json(try world.load(catalog: catalog)).serialized(pretty: true))
    }
  }
}
