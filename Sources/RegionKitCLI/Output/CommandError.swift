/// A refusal of a command found while running it (an option that does not fit the model it
/// loaded): printed as `Error: ...`, exit status 1.
struct CommandError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) { self.description = description }
}
