package dev.sluice.core.config;

import java.nio.file.Path;

/** The file being bound: its folder, its problems and its interpolation of ${env:} and ${file:}. */
record ConfigSource(Path baseDir, ConfigProblems problems, Interpolator interpolator) {
}
