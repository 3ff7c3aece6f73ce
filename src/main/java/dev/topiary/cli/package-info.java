/**
 * The {@code topiary} command line: every action of the window as a subcommand, with {@code --json} output
 * for scripts. Built on picocli.
 */
package dev.topiary.cli;
