"""Pickup of new exports from the vendor's FTP, FTPS or SFTP server into the inbox."""
