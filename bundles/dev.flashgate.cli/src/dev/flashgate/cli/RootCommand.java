package dev.flashgate.cli;

import picocli.CommandLine.Command;

/** {@code flashgate}: the top of the command tree. */
@Command(name = "flashgate", mixinStandardHelpOptions = true,
        description = "Verifies firmware update packages and updates cellular terminals safely.",
        subcommands = {VerifyCommand.class, InspectCommand.class, PackCommand.class, SignCommand.class,
            KeygenCommand.class, TrustCommand.class, DevicesCommand.class, FlashCommand.class, RestoreCommand.class, HistoryCommand.class,
            PluginsCommand.class, RepoCommand.class, RemoteCommand.class, StationCommand.class, SimulateCommand.class, DemoCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:verified / done", "1:internal error (a bug: report it)", "2:usage: bad arguments or unreadable file",
            "3:malformed package", "4:signature or trust", "5:integrity", "6:not for this device",
            "7:version rules", "8:device or link", "9:host resources", "10:cancelled", "11:plugin refused", "12:update repository refused or unreachable"})
final class RootCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
