/** An example credential source: the MySQL user and password from a properties file. */
module com.example.blip.filecreds {
    requires io.blip.api;

    provides io.blip.api.credential.CredentialSourceFactory with com.example.blip.filecreds.FileCredentialsFactory;
    provides io.blip.api.config.MonitorSection with com.example.blip.filecreds.FileCredentialsSection;
}
