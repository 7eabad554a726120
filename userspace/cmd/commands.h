/* Each subcommand is its own module; main.c only dispatches. argv[0] is the subcommand name. */
#ifndef FERRET_COMMANDS_H
#define FERRET_COMMANDS_H

int cmd_trace(int argc, char **argv); /* also "run": argv[0] says which */
int cmd_analyze(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_runs(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_top(int argc, char **argv);

#endif
