import IAMTutorCLI

IAMTutorCommand.main()
