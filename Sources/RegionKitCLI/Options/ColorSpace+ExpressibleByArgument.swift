import ArgumentParser
import Imaging

extension ColorSpace: ExpressibleByArgument {}
