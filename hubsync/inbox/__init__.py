"""The inbox: folders, lock, classification of files, and pickup from FTP/FTPS/SFTP."""
