// Module SQLiteDB.
