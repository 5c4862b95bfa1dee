namespace wisp::io { int placeholder_pkg(); }
