using InsureCrm.Cli;

return await CliApp.RunAsync(args);
