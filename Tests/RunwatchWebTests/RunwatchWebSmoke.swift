import TestStorage
import Testing
