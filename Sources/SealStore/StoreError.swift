import SealCore
import SealWire

