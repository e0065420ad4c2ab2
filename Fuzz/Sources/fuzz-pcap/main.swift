import FuzzDriver

FuzzDriver.run(fuzz)
