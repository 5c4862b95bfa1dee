// placeholder so the library has a source until io lands
