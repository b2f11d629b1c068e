// Entry point: parse the command line and run. All state is built in `WorkerCommand.run()`.
WorkerCommand.main()
