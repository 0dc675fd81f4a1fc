@_exported import StorageEngine

// SQLite is one of the two engines behind `StorageEngine`'s interface.

extension Connection: DatabaseConnection {}

extension SQLiteError: DatabaseFault {}
